"""NIST SP 800-88 terms on a certificate of sanitisation, each with its caption (translated where shown)."""

from __future__ import annotations

from enum import StrEnum

from labels.translation import N_


class ErasureCategory(StrEnum):
    """NIST SP 800-88 sanitisation categories."""

    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"


class SanitisationTechnique(StrEnum):
    """How a disk was cleared or purged."""

    OVERWRITE = "overwrite"
    BLOCK_ERASE = "block_erase"
    CRYPTOGRAPHIC_ERASE = "cryptographic_erase"


class DestructionMethod(StrEnum):
    """How a disk was destroyed (NIST SP 800-88's destroy techniques)."""

    SHRED = "shred"
    DISINTEGRATE = "disintegrate"
    PULVERIZE = "pulverize"
    INCINERATE = "incinerate"
    MELT = "melt"


class DiskKind(StrEnum):
    """The storage technology of a disk, which decides the erasure method."""

    HDD = "hdd"
    SSD = "ssd"
    NVME = "nvme"
    EMMC = "emmc"
    OTHER = "other"


class VerificationMethod(StrEnum):
    """How the result was verified."""

    READ_BACK_LAST = "read_back_last"  # every sector read back after the last pass
    READ_BACK_ALL = "read_back_all"  # every sector read back after every pass
    FULL = "full"
    SAMPLING = "sampling"
    VISUAL = "visual"


class ConfidentialityCategory(StrEnum):
    """The confidentiality category of the data on the media (FIPS 199), before and after sanitisation."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class HiddenAreas(StrEnum):
    """What the tool found of host protected areas (HPA) and device configuration overlays (DCO)."""

    NONE = "none"
    DETECTED = "detected"
    UNKNOWN = "unknown"


class MediaDestination(StrEnum):
    """Where the media went after sanitisation."""

    INTERNAL_REUSE = "internal_reuse"
    EXTERNAL_REUSE = "external_reuse"
    RECYCLING = "recycling"
    MANUFACTURER = "manufacturer"
    OTHER = "other"


CATEGORY_CAPTIONS = {
    ErasureCategory.CLEAR: N_("Clear"),
    ErasureCategory.PURGE: N_("Purge"),
    ErasureCategory.DESTROY: N_("Destroy"),
}
TECHNIQUE_CAPTIONS = {
    SanitisationTechnique.OVERWRITE: N_("Overwrite"),
    SanitisationTechnique.BLOCK_ERASE: N_("Block erase"),
    SanitisationTechnique.CRYPTOGRAPHIC_ERASE: N_("Cryptographic erase"),
}
DESTRUCTION_CAPTIONS = {
    DestructionMethod.SHRED: N_("Shredded"),
    DestructionMethod.DISINTEGRATE: N_("Disintegrated"),
    DestructionMethod.PULVERIZE: N_("Pulverised"),
    DestructionMethod.INCINERATE: N_("Incinerated"),
    DestructionMethod.MELT: N_("Melted"),
}
MEDIA_CAPTIONS = {
    DiskKind.HDD: N_("Hard disk drive"),
    DiskKind.SSD: N_("SATA solid-state drive"),
    DiskKind.NVME: N_("NVMe solid-state drive"),
    DiskKind.EMMC: N_("eMMC flash memory"),
    DiskKind.OTHER: N_("Other storage"),
}
VERIFICATION_CAPTIONS = {
    VerificationMethod.READ_BACK_LAST: N_("Read-back of every sector after the last pass"),
    VerificationMethod.READ_BACK_ALL: N_("Read-back of every sector after every pass"),
    VerificationMethod.FULL: N_("Full read-back of every sector"),
    VerificationMethod.SAMPLING: N_("Sampling of the disk's contents"),
    VerificationMethod.VISUAL: N_("Visual inspection"),
}
DESTINATION_CAPTIONS = {
    MediaDestination.INTERNAL_REUSE: N_("Reuse within the organisation"),
    MediaDestination.EXTERNAL_REUSE: N_("Reuse outside the organisation"),
    MediaDestination.RECYCLING: N_("Recycling facility"),
    MediaDestination.MANUFACTURER: N_("Returned to the manufacturer"),
    MediaDestination.OTHER: N_("Other"),
}
CONFIDENTIALITY_CAPTIONS = {
    ConfidentialityCategory.LOW: N_("Low"),
    ConfidentialityCategory.MODERATE: N_("Moderate"),
    ConfidentialityCategory.HIGH: N_("High"),
}
HIDDEN_AREA_CAPTIONS = {
    HiddenAreas.NONE: N_("None found"),
    HiddenAreas.DETECTED: N_("Hidden sectors found"),
    HiddenAreas.UNKNOWN: N_("Could not be checked"),
}
# Warnings a coordinator may accept, by the code the application records.
WARNING_CAPTIONS = {
    "flash_clear_external": N_(
        "Clear (overwrite) on flash media reused outside the organisation: NIST SP 800-88 asks for Purge."
    ),
}
