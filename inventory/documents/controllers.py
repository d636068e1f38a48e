"""API routes for labels, certificates, donation receipts and reports, finalisation and verification."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter

from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.dependencies import EngineDependency, SettingsDependency
from inventory.documents import schemas
from inventory.documents.certificate_model import render_erasure_certificate
from inventory.documents.donation_documents import final_report, issue_receipt, render_receipt
from inventory.documents.erasure_certificates import issue_destruction_certificate, issue_erasure_certificate
from inventory.documents.finalising import finalise_donation
from inventory.documents.labelling import LabelSelection, make_labels, print_labels
from inventory.documents.printing import JobOutcome
from inventory.documents.queries import device_certificates, verification_view
from inventory.documents.responses import file_name, pdf_response
from inventory.i18n import current_language, gettext
from inventory.params import RecordIdPath, TagPath
from inventory.permissions import Permission

NumberPath = Annotated[
    str,
    PathParameter(
        max_length=32, pattern=r"^[A-Za-z0-9-]+$", description="A certificate number, e.g. E-2026-000123."
    ),
]
CodePath = Annotated[
    str, PathParameter(max_length=80, description="A verification code, e.g. E-2026-000123.K4Q2…")
]
LanguageQuery = Annotated[
    schemas.LanguageCode | None,
    QueryParameter(description="The document's language; default: the reader's."),
]
PDF_RESPONSES = {
    **API_ERRORS,
    200: ResponseSpec(
        data_container=bytes, media_type="application/pdf", description="The PDF.", generate_examples=False
    ),
}


def _language(language: str | None) -> str:
    return language or current_language.get()


def _selection(data: schemas.LabelsIn) -> LabelSelection:
    return LabelSelection(tags=tuple(data.tags), donation_id=data.donation_id)


def labels_file_name(tags: tuple[str, ...], donation_id: int | None) -> str:
    """`tarrat-JNS-000001-3.pdf`, `tarrat-lahjoitus-12.pdf` or `tarrat-<first>-<last>.pdf`."""
    if donation_id is not None:
        return file_name("donation_labels", str(donation_id))
    return file_name("labels", tags[0] if len(tags) == 1 else f"{tags[0]}-{tags[-1]}")


class DocumentController(Controller):
    """Labels and documents under /api/v1."""

    path = "/api/v1"
    tags = ["documents"]

    @post(
        "/labels/pdf",
        responses=PDF_RESPONSES,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def render_labels(
        self,
        data: JSONBody[schemas.LabelsIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> Response[bytes]:
        """The labels of devices or a whole donation as a PDF; noted in each device's history."""
        labels = await make_labels(
            engine, _selection(data), request.user, settings, data.stock, data.start_position
        )
        return pdf_response(labels.pdf, labels_file_name(labels.tags, data.donation_id))

    @post(
        "/labels/print",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
        status_code=200,
    )
    async def print_labels(
        self,
        data: JSONBody[schemas.LabelsIn],
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> schemas.PrintJobOut:
        """Send the labels to the label printer of your site (its CUPS queue); 409 says why not."""
        labels = await print_labels(
            engine, _selection(data), request.user, settings, data.stock, data.start_position
        )
        assert labels.job is not None
        return schemas.PrintJobOut(
            queue=labels.job.queue,
            job_id=labels.job.job_id,
            stock=labels.stock.stock_id,
            asset_tags=list(labels.tags),
            job_state="queued" if labels.job.outcome is JobOutcome.QUEUED else "completed",
            printer_state=gettext(labels.job.printer_state) if labels.job.printer_state else "",
            printer_message=labels.job.reason if labels.job.outcome is JobOutcome.QUEUED else "",
        )

    @get(
        "/erasures/{number:str}/certificate",
        name="erasure_certificate",
        responses=PDF_RESPONSES,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def get_erasure_certificate(
        self,
        number: NumberPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        language: LanguageQuery = None,
    ) -> Response[bytes]:
        """The certificate of sanitisation of a passed erasure (NIST SP 800-88 Appendix G), as a PDF."""
        issued = await issue_erasure_certificate(engine, number, request.user, settings)
        chosen = _language(language)
        pdf = render_erasure_certificate(issued, chosen, settings.base_url)
        return pdf_response(pdf, file_name("erasure_certificate", issued.number, chosen))

    @get(
        "/devices/{tag:str}/destruction-certificate",
        responses=PDF_RESPONSES,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def get_destruction_certificate(
        self,
        tag: TagPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        language: LanguageQuery = None,
    ) -> Response[bytes]:
        """The certificate of sanitisation of a device whose every disk was physically destroyed."""
        issued = await issue_destruction_certificate(engine, tag, request.user, settings)
        chosen = _language(language)
        pdf = render_erasure_certificate(issued, chosen, settings.base_url)
        return pdf_response(pdf, file_name("erasure_certificate", issued.number, chosen))

    @get(
        "/devices/{tag:str}/certificates",
        responses=API_ERRORS,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def list_device_certificates(self, tag: TagPath) -> list[schemas.CertificateOut]:
        """The device's certificates of sanitisation and where to get each PDF."""
        return [
            schemas.CertificateOut(
                number=ref.number,
                kind=ref.kind,
                date=ref.date,
                passed=ref.passed,
                pdf_url=ref.pdf_url,
                waiting_for=ref.waiting_for,
            )
            for ref in await device_certificates(tag)
        ]

    @get(
        "/donations/{donation_id:int}/receipt",
        name="donation_receipt",
        responses=PDF_RESPONSES,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def get_donation_receipt(
        self,
        donation_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
        language: LanguageQuery = None,
    ) -> Response[bytes]:
        """The donor's receipt: every device received and the certificate numbers known so far."""
        issued = await issue_receipt(engine, donation_id, request.user, settings)
        chosen = _language(language)
        pdf = render_receipt(issued, chosen, settings.base_url)
        return pdf_response(pdf, file_name("donation_receipt", issued.number, chosen))

    @get(
        "/donations/{donation_id:int}/report",
        responses=PDF_RESPONSES,
        opt={"permission": Permission.DEVICE_WORK},
    )
    async def get_donation_report(
        self,
        donation_id: RecordIdPath,
        settings: SettingsDependency,
        language: LanguageQuery = None,
    ) -> Response[bytes]:
        """The final donor report of a finalised donation: each device with its certificate number."""
        issued = await final_report(donation_id)
        chosen = _language(language)
        pdf = render_receipt(issued, chosen, settings.base_url)
        return pdf_response(pdf, file_name("donation_report", issued.number, chosen))

    @post(
        "/donations/{donation_id:int}/finalise",
        responses=API_ERRORS,
        opt={"permission": Permission.DONOR_MANAGE},
        status_code=200,
    )
    async def finalise_donation(
        self,
        donation_id: RecordIdPath,
        request: Request[Actor, Any, Any],
        engine: EngineDependency,
        settings: SettingsDependency,
    ) -> schemas.FinalisedOut:
        """Finalise a donation once every device has a passed erasure or destroyed disks (409 names
        the devices that do not); the final report is issued."""
        report = await finalise_donation(engine, donation_id, request.user, settings)
        return schemas.FinalisedOut(
            donation_id=donation_id,
            report_number=report.number,
            verification_code=report.code,
            pdf_url=f"/api/v1/donations/{donation_id}/report",
        )


class VerificationController(Controller):
    """The public check of a verification code, as JSON."""

    path = "/api/v1/verify"
    tags = ["verification"]

    @get(
        "/{code:str}",
        responses=API_ERRORS,
        opt={"permission": Permission.PUBLIC, "exclude_from_auth": True},
    )
    async def verify_document(self, code: CodePath, settings: SettingsDependency) -> schemas.VerificationOut:
        """Whether a certificate is genuine, tampered with or unknown, and what a genuine one certifies."""
        view = await verification_view(code, settings.resolved_secret_key(), current_language.get())
        return schemas.VerificationOut(
            verdict=view.verdict,
            message=view.message,
            kind=view.kind,
            kind_label=view.kind_label,
            number=view.number,
            issued_on=view.issued_on,
            summary=[
                schemas.SummaryFieldOut(name=field.name, caption=field.caption, lines=list(field.lines))
                for field in view.summary
            ],
        )


def verification_url(base_url: str, code: str) -> str:
    """The public page that checks a code (what documents' QR codes carry)."""
    return f"{base_url}/verify/{quote(code, safe='')}"
