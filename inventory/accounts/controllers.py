"""API routes for the signed-in user, personal API tokens and user administration."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import JSONBody

from inventory.accounts import schemas
from inventory.accounts.api_tokens import issue_token, list_tokens, revoke_token
from inventory.accounts.sessions import end_all_sessions
from inventory.accounts.users import NewUser, UserChanges, create_user, get_user, list_users, update_user
from inventory.actors import Actor
from inventory.api_docs import API_ERRORS
from inventory.params import RecordIdPath
from inventory.permissions import ROLE_PERMISSIONS, Permission


class MeController(Controller):
    """The signed-in user and their API tokens, under /api/v1/me."""

    path = "/api/v1/me"
    tags = ["accounts"]
    opt = {"permission": Permission.SELF}

    @get("/", responses=API_ERRORS)
    async def get_me(self, request: Request[Actor, Any, Any]) -> schemas.MeOut:
        """Who you are and what you may do."""
        actor = request.user
        assert actor.user_id is not None
        assert actor.role is not None
        return schemas.MeOut(
            id=actor.user_id,
            username=actor.username,
            display_name=actor.display_name,
            role=actor.role,
            site_id=actor.site_id,
            language=actor.language,
            permissions=sorted(p.value for p in ROLE_PERMISSIONS[actor.role]),
        )

    @get("/tokens", responses=API_ERRORS)
    async def list_my_tokens(self, request: Request[Actor, Any, Any]) -> list[schemas.TokenOut]:
        """Your API tokens (never their secrets)."""
        return await list_tokens(request.user.user_id)

    @post("/tokens", responses=API_ERRORS)
    async def create_my_token(
        self, data: JSONBody[schemas.TokenCreate], request: Request[Actor, Any, Any]
    ) -> schemas.TokenIssued:
        """Create a token; its secret is shown in this answer only."""
        assert request.user.user_id is not None
        issued = await issue_token(request.user.user_id, data.name, data.scope, data.expires_at)
        return schemas.TokenIssued(
            id=issued.id,
            name=issued.name,
            scope=issued.scope,
            secret=issued.secret,
            expires_at=issued.expires_at,
        )

    @delete(
        "/tokens/{token_id:int}",
        responses=API_ERRORS,
    )
    async def revoke_my_token(self, token_id: RecordIdPath, request: Request[Actor, Any, Any]) -> None:
        """Revoke one of your tokens at once."""
        assert request.user.user_id is not None
        await revoke_token(request.user.user_id, token_id)


class UserController(Controller):
    """User administration under /api/v1/users."""

    path = "/api/v1/users"
    tags = ["accounts"]
    opt = {"permission": Permission.ADMINISTER}

    @get("/", responses=API_ERRORS)
    async def list_users(self) -> list[schemas.UserOut]:
        """Every account."""
        return await list_users()

    @post("/", responses=API_ERRORS)
    async def create_user(self, data: JSONBody[schemas.UserCreate]) -> schemas.UserOut:
        """Create an account for one person (accounts are never shared)."""
        user_id = await create_user(
            NewUser(
                username=data.username,
                display_name=data.display_name,
                role=data.role,
                password=data.password,
                site_code=data.site_code,
                email=data.email,
                language=data.language,
            )
        )
        return await get_user(user_id)

    @patch(
        "/{user_id:int}",
        responses=API_ERRORS,
    )
    async def update_user(self, user_id: RecordIdPath, data: JSONBody[schemas.UserUpdate]) -> schemas.UserOut:
        """Change an account; a new password or deactivation ends its sessions."""
        await update_user(
            user_id,
            UserChanges(
                display_name=data.display_name,
                role=data.role,
                site_code=data.site_code,
                email=data.email,
                language=data.language,
                is_active=data.is_active,
                password=data.password,
            ),
        )
        if data.password is not None or data.is_active is False:
            await end_all_sessions(user_id)
        return await get_user(user_id)
