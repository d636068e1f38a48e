"""The digital-skills topics: the practical tasks of the assessment and the orientation syllabus."""

from __future__ import annotations

from inventory.i18n import N_

TOPICS: dict[str, str] = {
    "power_login": N_("Power on and log in"),
    "wifi": N_("Connect to Wi-Fi"),
    "browser_search": N_("Browser and search"),
    "email": N_("E-mail"),
    "strong_identification": N_("Strong electronic identification"),
    "suomifi_messages": N_("Suomi.fi messages"),
    "kela_omakanta": N_("Kela and OmaKanta services"),
    "video_call": N_("Video call"),
    "safe_use": N_("Safe use: scams and passwords"),
    "files": N_("Saving and finding files"),
}
