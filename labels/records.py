"""Plain records that several documents share: a device, and a certificate's number and verification."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def require_text(value: str, what: str) -> str:
    """Return ``value`` if it has some text, else raise a ValueError naming ``what`` is missing."""
    if not value or not value.strip():
        raise ValueError(f"{what} is missing: it must not be empty.")
    return value


@dataclass(frozen=True)
class Device:
    """A device as documents name it: asset tag, make, model and serial number."""

    asset_tag: str
    make: str
    model: str
    serial: str = ""

    def __post_init__(self) -> None:
        require_text(self.asset_tag, "The device's asset tag")

    def rows(self, _: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
        """The device's lines on a document, captions in the document's language."""
        return (
            (_("Asset tag"), self.asset_tag),
            (_("Make"), self.make),
            (_("Model"), self.model),
            (_("Serial number"), self.serial),
        )


@dataclass(frozen=True)
class CertificateMark:
    """What makes a document checkable: its number, the verification code (an HMAC the app computes
    over the document's content) and the URL of the public page that checks the code.
    """

    number: str
    verification_code: str
    verification_url: str

    def __post_init__(self) -> None:
        require_text(self.number, "The document number")
        require_text(self.verification_code, "The verification code")
        require_text(self.verification_url, "The verification URL")


@dataclass(frozen=True)
class Issuer:
    """The organisation that issues a document: its name, postal address, business ID and contacts."""

    name: str
    address: str = ""
    business_id: str = ""
    phone: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        require_text(self.name, "The issuing organisation's name")

    def contact(self) -> str:
        """Phone and e-mail, as given."""
        return " · ".join(part.strip() for part in (self.phone, self.email) if part.strip())
