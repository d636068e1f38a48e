"""Administration pages and the public accessibility statement with its feedback form."""

from __future__ import annotations

import re
from typing import Any

import httpx

from inventory.accessibility.tables import AccessibilityFeedback
from inventory.accounts.tables import User, UserSession
from inventory.permissions import Role
from inventory.sites.tables import Site
from tests import factories
from tests.ui.conftest import HTML, csrf, log_in, post_form, text_of


async def test_an_admin_creates_a_user_with_errors_tied_to_fields(db: Any, client: httpx.AsyncClient) -> None:
    admin = await factories.user(Role.ADMIN)
    await log_in(client, admin)
    weak = await post_form(
        client,
        "/admin/users",
        {
            "username": "maija",
            "display_name": "Maija M",
            "role": "counsellor",
            "site_code": "JNS",
            "language": "sv",
            "password": "short",
        },
    )
    assert weak.status_code == 422
    assert 'id="f-password-error"' in weak.text
    assert 'value="short"' not in weak.text  # a password is never echoed back
    created = await post_form(
        client,
        "/admin/users",
        {
            "username": "maija",
            "display_name": "Maija M",
            "role": "counsellor",
            "site_code": "JNS",
            "language": "sv",
            "password": "a-long-enough-password",
        },
    )
    assert created.status_code == 303
    row = await User.select(User.role, User.language).where(User.username == "maija").first()
    assert row == {"role": "counsellor", "language": "sv"}


async def test_closing_an_account_logs_the_person_out(db: Any, client: httpx.AsyncClient) -> None:
    admin = await factories.user(Role.ADMIN)
    trainee = await factories.user(Role.TRAINEE)
    other = httpx.AsyncClient(transport=client._transport, base_url="http://127.0.0.1")
    async with other:
        await log_in(other, trainee)
    assert await UserSession.count().where(UserSession.user == trainee.user_id) == 1
    await log_in(client, admin)
    page = await client.get(f"/admin/users/{trainee.user_id}", headers=HTML)
    assert page.status_code == 200
    closed = await post_form(
        client,
        f"/admin/users/{trainee.user_id}",
        {
            "display_name": "T",
            "role": "trainee",
            "site_code": "JNS",
            "email": "",
            "language": "fi",
            "password": "",
        },
    )
    assert closed.status_code == 303
    assert await User.select(User.is_active).where(User.id == trainee.user_id).first() == {"is_active": False}
    assert await UserSession.count().where(UserSession.user == trainee.user_id) == 0


async def test_an_admin_cannot_remove_their_own_rights(db: Any, client: httpx.AsyncClient) -> None:
    admin = await factories.user(Role.ADMIN)
    await log_in(client, admin)
    refused = await post_form(
        client,
        f"/admin/users/{admin.user_id}",
        {"display_name": "A", "role": "trainee", "language": "fi", "is_active": "true"},
    )
    assert refused.status_code == 422
    assert await User.select(User.role).where(User.id == admin.user_id).first() == {"role": "admin"}


async def test_sites_are_created_and_given_a_printer(db: Any, client: httpx.AsyncClient) -> None:
    await log_in(client, await factories.user(Role.ADMIN))
    bad = await post_form(client, "/admin/sites", {"code": "1", "name": "X"})
    assert bad.status_code == 422
    assert 'id="f-code-error"' in bad.text
    assert (await post_form(client, "/admin/sites", {"code": "ktl", "name": "Kitee"})).status_code == 303
    site = await Site.select(Site.id).where(Site.code == "KTL").first()
    assert site is not None
    changed = await post_form(
        client, f"/admin/sites/{site['id']}", {"name": "Kitee", "printer_queue": "QL-820"}
    )
    assert changed.status_code == 303
    assert await Site.select(Site.printer_queue).where(Site.id == site["id"]).first() == {
        "printer_queue": "QL-820"
    }
    settings = await client.get("/admin/settings", headers=HTML)
    assert "test-secret-key" not in settings.text
    assert "KIERTO_SESSION_IDLE_MINUTES" in settings.text


async def test_feedback_reaches_the_admins_without_a_login(db: Any, client: httpx.AsyncClient) -> None:
    statement = await client.get("/accessibility", headers=HTML)
    assert statement.status_code == 200
    assert "Saavutettavuusvalvonta" in text_of(statement.text)
    empty = await post_form(client, "/accessibility/feedback", {"message": " "})
    assert empty.status_code == 422
    assert 'id="f-message-error"' in empty.text
    sent = await post_form(
        client, "/accessibility/feedback", {"message": "Kontrasti on heikko", "page": "Kirjautuminen"}
    )
    assert sent.status_code == 303
    for _ in range(4):
        await post_form(client, "/accessibility/feedback", {"message": "Taas"})
    throttled = await post_form(client, "/accessibility/feedback", {"message": "Vielä"})
    assert throttled.status_code == 409
    assert await AccessibilityFeedback.count() == 5
    await log_in(client, await factories.user(Role.ADMIN))
    listing = await client.get("/admin/feedback", headers=HTML)
    assert "Kontrasti on heikko" in listing.text
    feedback_id = re.search(r"/admin/feedback/(\d+)/handled", listing.text)
    assert feedback_id is not None
    handled = await client.post(
        f"/admin/feedback/{feedback_id.group(1)}/handled", data={"_csrf_token": csrf(client)}, headers=HTML
    )
    assert handled.status_code == 303
    assert await AccessibilityFeedback.count().where(AccessibilityFeedback.handled_at.is_not_null()) == 1


async def test_an_admin_creates_and_edits_an_installation_profile(db: Any, client: httpx.AsyncClient) -> None:
    from inventory.runs.provisioning_profiles import get_profile

    admin = await factories.user(Role.ADMIN)
    await log_in(client, admin)
    fields = {"slug": "isoteksti", "name_fi": "Isoteksti", "name_en": "Large text", "active": "yes"}
    unknown = await post_form(client, "/admin/profiles", {**fields, "variables": "wallpaper: blue"})
    assert unknown.status_code == 422
    assert 'id="f-variables-error"' in unknown.text
    assert "muuttujaa wallpaper" in text_of(unknown.text)
    assert "wallpaper: blue" in unknown.text  # what was written stays in the form
    unreadable = await post_form(client, "/admin/profiles", {**fields, "variables": "- just a list"})
    assert unreadable.status_code == 422
    created = await post_form(
        client, "/admin/profiles", {**fields, "variables": "accessibility_enabled: true\n"}
    )
    assert created.status_code == 303
    path = created.headers["location"].split("?")[0]
    profile_id = int(path.rsplit("/", 1)[1])
    assert (await get_profile(profile_id)).variables == {"accessibility_enabled": True}
    listed = await client.get("/admin/profiles", headers=HTML)
    assert f'href="/admin/profiles/{profile_id}">Isoteksti<' in listed.text
    edited = await post_form(
        client,
        path,
        {**fields, "name_sv": "Stor text", "active": "", "variables": "accessibility_enabled: false"},
    )
    assert edited.status_code == 303
    profile = await get_profile(profile_id)
    assert (profile.name_sv, profile.is_active, profile.variables) == (
        "Stor text",
        False,
        {"accessibility_enabled": False},
    )
    shown = await client.get(path, headers=HTML)
    assert "accessibility_enabled: false" in shown.text
    trainee = await factories.user(Role.TRAINEE)
    client.cookies.clear()
    await log_in(client, trainee)
    assert (await client.get("/admin/profiles", headers=HTML)).status_code == 403
