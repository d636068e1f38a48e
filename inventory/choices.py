"""Choice sets shared by tables, schemas and pages: one place for each field's values and labels.

The disk kinds and erasure categories are the certificate's own terms (`labels.sanitisation_terms`).
"""

from __future__ import annotations

from enum import StrEnum

from inventory.i18n import N_, Language
from labels.sanitisation_terms import DiskKind

LANGUAGE_LABELS = {Language.FI: "suomi", Language.SV: "svenska", Language.EN: "English"}


class DeviceKind(StrEnum):
    """What sort of computer a device is."""

    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TABLET = "tablet"
    PHONE = "phone"
    OTHER = "other"


DEVICE_KIND_LABELS = {
    DeviceKind.LAPTOP: N_("laptop"),
    DeviceKind.DESKTOP: N_("desktop"),
    DeviceKind.TABLET: N_("tablet"),
    DeviceKind.PHONE: N_("phone"),
    DeviceKind.OTHER: N_("other"),
}


# The technologies' names are the same in every language; "other" is not.
DISK_KIND_LABELS = {
    DiskKind.HDD: "HDD",
    DiskKind.SSD: "SSD",
    DiskKind.NVME: "NVMe",
    DiskKind.EMMC: "eMMC",
    DiskKind.OTHER: N_("other"),
}


class DonorKind(StrEnum):
    """Whether a donor is an organisation or a private person."""

    ORGANISATION = "organisation"
    PERSON = "person"


class ConditionGrade(StrEnum):
    """The condition grade given after the hardware check."""

    A = "A"
    B = "B"
    C = "C"


CONDITION_GRADE_LABELS = {
    ConditionGrade.A: N_("A: everything works and the battery holds"),
    ConditionGrade.B: N_("B: one small fault or a worn battery"),
    ConditionGrade.C: N_("C: a keyboard, screen, Wi-Fi or USB fault, several faults or a weak battery"),
}


class ErasureTechnique(StrEnum):
    """NIST SP 800-88 sanitisation techniques."""

    OVERWRITE = "overwrite"
    BLOCK_ERASE = "block_erase"
    CRYPTOGRAPHIC_ERASE = "cryptographic_erase"
    DESTRUCTION = "destruction"


class TokenScope(StrEnum):
    """What an API token may do."""

    READ = "read"
    READ_WRITE = "read_write"
    BENCH = "bench"
