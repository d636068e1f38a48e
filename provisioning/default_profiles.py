"""The default provisioning profiles as data the app can seed: names and provision.yml role variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Profile:
    """A provisioning recipe: role variables for provision.yml (every role runs; variables shape it)."""

    slug: str
    name_fi: str
    name_en: str
    description: str
    variables: Mapping[str, Any]


_OFFICE_FI_SV = [
    "libreoffice-writer",
    "libreoffice-calc",
    "libreoffice-impress",
    "libreoffice-gtk3",
    "libreoffice-l10n-fi",
    "libreoffice-l10n-sv",
    "libreoffice-help-fi",
    "libreoffice-help-sv",
    "libreoffice-voikko",
    "voikko-fi",
    "hunspell-sv",
]
_BROWSER_MAIL_FI_SV = [
    "firefox-esr",
    "firefox-esr-l10n-fi",
    "firefox-esr-l10n-sv-se",
    "thunderbird",
    "thunderbird-l10n-fi",
    "thunderbird-l10n-sv-se",
]

STANDARD_DESKTOP = Profile(
    slug="standard-desktop",
    name_fi="Perustyöpöytä",
    name_en="Standard desktop",
    description="Xfce desktop with Firefox ESR, LibreOffice, Thunderbird and VLC in Finnish and Swedish.",
    variables=MappingProxyType(
        {
            "desktop_apps_desktop_packages": ["task-xfce-desktop"],
            "desktop_apps_packages": [
                *_BROWSER_MAIL_FI_SV,
                *_OFFICE_FI_SV,
                "vlc",
                "evince",
                "cups",
                "system-config-printer",
            ],
            "accessibility_enabled": False,
        }
    ),
)

LIGHT = Profile(
    slug="light",
    name_fi="Kevyt (vanhat koneet)",
    name_en="Light (old hardware)",
    description="LXQt desktop and a smaller set of applications for machines with 2–4 GB of memory.",
    variables=MappingProxyType(
        {
            "desktop_apps_desktop_packages": ["task-lxqt-desktop"],
            "desktop_apps_packages": [
                "firefox-esr",
                "firefox-esr-l10n-fi",
                "firefox-esr-l10n-sv-se",
                "libreoffice-writer",
                "libreoffice-calc",
                "libreoffice-l10n-fi",
                "libreoffice-l10n-sv",
                "libreoffice-voikko",
                "voikko-fi",
                "hunspell-sv",
                "mpv",
                "qpdfview",
            ],
            "accessibility_enabled": False,
        }
    ),
)

ACCESSIBILITY = Profile(
    slug="accessibility",
    name_fi="Saavutettava",
    name_en="Accessibility",
    description="GNOME desktop with the Orca screen reader and large text, plus the standard applications.",
    variables=MappingProxyType(
        {
            "desktop_apps_desktop_packages": ["task-gnome-desktop"],
            "desktop_apps_packages": [*_BROWSER_MAIL_FI_SV, *_OFFICE_FI_SV, "vlc", "evince", "cups"],
            "accessibility_enabled": True,
            "accessibility_screen_reader": True,
            "accessibility_large_text": True,
            "accessibility_text_scaling_factor": 1.25,
        }
    ),
)

DEFAULT_PROFILES: tuple[Profile, ...] = (STANDARD_DESKTOP, LIGHT, ACCESSIBILITY)


def default_profiles() -> list[dict[str, Any]]:
    """The default profiles as plain dicts (slug, names, description, variables) for seeding a database."""
    return [
        {
            "slug": profile.slug,
            "name_fi": profile.name_fi,
            "name_en": profile.name_en,
            "description": profile.description,
            "variables": dict(profile.variables),
        }
        for profile in DEFAULT_PROFILES
    ]
