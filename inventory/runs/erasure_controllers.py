"""API routes for checking erasures: re-verification samples, a coordinator's sign-off, accepted warnings."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.devices.erasure_signoff import accept_warning, awaiting_sign_off, sign_off
from inventory.params import CertificatePath
from inventory.permissions import Permission
from inventory.runs.choices import ReverificationResult
from inventory.runs.sampling import Reverification, pending_samples, record_reverification
from inventory.runs.schemas import (
    AwaitingSignOffOut,
    ReverificationIn,
    SampleOut,
    SignOffIn,
    SignOffOut,
    WarningAcceptanceIn,
)


class ErasureSampleController(Controller):
    """Independent re-verification of erasures under /api/v1/erasures."""

    path = "/api/v1/erasures"
    tags = ["erasures"]

    @get(
        "/reverifications",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_READ},
    )
    async def list_reverifications(self, request: Request[Actor, Any, Any]) -> list[SampleOut]:
        """Erasures picked for re-verification that wait for it."""
        return await pending_samples(request.user)

    @get(
        "/sign-off",
        responses=API_ERRORS,
        opt={"permission": Permission.GUARD_OVERRIDE},
    )
    async def list_erasures_awaiting_sign_off(self) -> list[AwaitingSignOffOut]:
        """Passed erasures that wait for a coordinator to sign them off, oldest first."""
        return [
            AwaitingSignOffOut(
                certificate_number=row["certificate_number"],
                asset_tag=row["asset_tag"],
                finished_at=row["finished_at"],
                tool=" ".join(part for part in (row["tool"], row["tool_version"]) if part),
                warning=row["warning"],
                warning_accepted=row["warning_accepted_at"] is not None,
            )
            for row in await awaiting_sign_off()
        ]

    @post(
        "/sign-off",
        responses=API_ERRORS,
        opt={"permission": Permission.GUARD_OVERRIDE},
        status_code=200,
    )
    async def sign_off_erasures(
        self,
        data: JSONBody[SignOffIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> SignOffOut:
        """Sign off a batch of passed erasures as their validating person; their certificates can then be printed."""
        return SignOffOut(signed_off=await sign_off(engine, data.numbers, data.title, request.user))

    @post(
        "/{certificate:str}/warning-acceptance",
        responses=API_ERRORS,
        opt={"permission": Permission.GUARD_OVERRIDE},
        status_code=200,
    )
    async def accept_erasure_warning(
        self,
        certificate: CertificatePath,
        data: JSONBody[WarningAcceptanceIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
    ) -> None:
        """Accept an erasure's warning (Clear on flash media reused outside) with a written reason."""
        await accept_warning(engine, certificate, data.reason, request.user)

    @post(
        "/{certificate:str}/reverification",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def record_reverification(
        self,
        certificate: CertificatePath,
        data: JSONBody[ReverificationIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> None:
        """Record a re-verification by another person than the operator; a failure puts the device on hold."""
        await record_reverification(
            engine,
            certificate,
            Reverification(data.result is ReverificationResult.PASSED, data.method),
            request.user,
            settings,
        )
