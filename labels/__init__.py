"""Pure rendering of barcode labels and PDF certificates: plain data in, PDF bytes out."""

from labels.asset_labels import AssetLabel, render_asset_labels
from labels.donation_receipt import DonatedDevice, DonationReceipt, render_donation_receipt
from labels.handover_agreement import (
    AgreementKind,
    HandoverAgreement,
    SupportContact,
    render_handover_agreement,
)
from labels.orientation_certificate import (
    OrientationCertificate,
    OrientationSession,
    render_orientation_certificate,
)
from labels.records import CertificateMark, Device
from labels.sanitisation_certificate import (
    Disk,
    DiskDestruction,
    DiskSanitisation,
    Reverification,
    SanitisationCertificate,
    VerificationResult,
    render_sanitisation_certificate,
)
from labels.sanitisation_terms import (
    DestructionMethod,
    DiskKind,
    ErasureCategory,
    MediaDestination,
    SanitisationTechnique,
    VerificationMethod,
)
from labels.stocks import STOCKS, LabelStock, get_stock
from labels.translation import DEFAULT_LANGUAGE, LANGUAGES

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "STOCKS",
    "AgreementKind",
    "AssetLabel",
    "CertificateMark",
    "DestructionMethod",
    "Device",
    "Disk",
    "DiskDestruction",
    "DiskKind",
    "DiskSanitisation",
    "DonatedDevice",
    "DonationReceipt",
    "ErasureCategory",
    "HandoverAgreement",
    "LabelStock",
    "MediaDestination",
    "OrientationCertificate",
    "OrientationSession",
    "Reverification",
    "SanitisationCertificate",
    "SanitisationTechnique",
    "SupportContact",
    "VerificationMethod",
    "VerificationResult",
    "get_stock",
    "render_asset_labels",
    "render_donation_receipt",
    "render_handover_agreement",
    "render_orientation_certificate",
    "render_sanitisation_certificate",
]
