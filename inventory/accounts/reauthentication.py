"""Re-authentication: some acts (erasing or exporting a client) need the password given a moment ago."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.connection import ASGIConnection

from inventory.accounts.middleware import BrowserSession
from inventory.accounts.sessions import authenticated_within
from inventory.errors import Forbidden
from inventory.i18n import N_

RECENT = dt.timedelta(minutes=5)
REAUTHENTICATION_REQUIRED = "reauthentication_required"


async def require_recent_authentication(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Refuse unless this browser session gave its password within the last few minutes.

    API tokens cannot re-authenticate, so they are refused too: these acts are done in the browser.
    Routes ask for this with `opt={"recent_authentication": True}`; the route guard calls it.
    """
    auth = connection.scope.get("auth")
    session = auth if isinstance(auth, BrowserSession) else None
    if session is None or not await authenticated_within(session.token, RECENT):
        raise Forbidden(N_("For this step, confirm your password first."), code=REAUTHENTICATION_REQUIRED)
