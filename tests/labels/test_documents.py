"""The four documents, read back: their fields, their language, their QR code, fonts and reproducibility."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime

import pytest
import zxingcpp
from pypdf import PdfReader

from labels.donation_receipt import render_donation_receipt
from labels.handover_agreement import AgreementKind, render_handover_agreement
from labels.orientation_certificate import render_orientation_certificate
from labels.pdf_metadata import pdf_date
from labels.sanitisation_certificate import (
    DiskDestruction,
    DiskSanitisation,
    render_sanitisation_certificate,
)
from labels.sanitisation_terms import (
    DestructionMethod,
    ErasureCategory,
    SanitisationTechnique,
)
from tests.labels import samples
from tests.labels.pdf_reading import all_text, fonts, image_count, page_texts, render_pages

TITLES = {
    "sanitisation": {
        "fi": "Todistus tietojen hävittämisestä",
        "sv": "Intyg om radering av data",
        "en": "Certificate of sanitisation",
    },
    "loan": {"fi": "Lainasopimus", "sv": "Låneavtal", "en": "Loan agreement"},
    "orientation": {
        "fi": "Todistus digiperehdytyksestä",
        "sv": "Intyg om digital introduktion",
        "en": "Orientation certificate",
    },
    "receipt": {"fi": "Lahjoituskuitti", "sv": "Donationskvitto", "en": "Donation receipt"},
}
NUMBER_CAPTION = {"fi": "Asiakirjan numero", "sv": "Dokumentnummer", "en": "Document number"}
SERIAL_CAPTION = {"fi": "Sarjanumero", "sv": "Serienummer", "en": "Serial number"}


def _render(kind: str, language: str) -> bytes:
    if kind == "sanitisation":
        return render_sanitisation_certificate(samples.sanitisation_certificate(), language)
    if kind == "loan":
        return render_handover_agreement(samples.handover(AgreementKind.LOAN), language)
    if kind == "orientation":
        return render_orientation_certificate(samples.orientation(), language)
    return render_donation_receipt(samples.donation_receipt(), language)


@pytest.fixture(
    scope="module", params=[(kind, language) for kind in TITLES for language in ("fi", "sv", "en")]
)
def rendered(request: pytest.FixtureRequest) -> tuple[str, str, bytes]:
    kind, language = request.param
    return kind, language, _render(kind, language)


def test_each_document_is_in_its_language_only(rendered: tuple[str, str, bytes]) -> None:
    kind, language, pdf = rendered
    text = all_text(pdf)
    assert TITLES[kind][language] in text
    assert NUMBER_CAPTION[language] in text
    for other, title in TITLES[kind].items():
        if other != language:
            assert title not in text
    assert str(PdfReader(io.BytesIO(pdf)).root_object["/Lang"]) == language


def test_each_document_embeds_only_dejavu_sans(rendered: tuple[str, str, bytes]) -> None:
    found = fonts(rendered[2])
    assert found
    assert all(found.values()), found
    assert {name.split("+")[-1] for name in found} <= {"DejaVuSans", "DejaVuSans-Bold"}


def test_each_document_has_its_number_and_code_on_every_page_and_a_qr_to_the_check(
    rendered: tuple[str, str, bytes],
) -> None:
    kind, _language, pdf = rendered
    expected = {
        "sanitisation": samples.sanitisation_certificate().mark,
        "loan": samples.handover().mark,
        "orientation": samples.orientation().mark,
        "receipt": samples.donation_receipt().mark,
    }[kind]
    for page in page_texts(pdf):
        flat = " ".join(page.split())
        assert expected.number in flat
        assert expected.verification_code in flat
        assert expected.verification_url in flat
    first_page = render_pages(pdf, 150)[0]
    decoded = [
        result.text
        for result in zxingcpp.read_barcodes(first_page, formats=zxingcpp.barcode_formats_from_str("QRCode"))
    ]
    assert decoded == [expected.verification_url]


def test_each_document_gives_the_same_bytes_twice_dated_from_its_input(
    rendered: tuple[str, str, bytes],
) -> None:
    kind, language, pdf = rendered
    assert _render(kind, language) == pdf
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    created = metadata.creation_date
    assert created is not None
    assert created.date() in {date(2025, 3, 1), date(2025, 4, 2), date(2025, 3, 28), date(2025, 2, 14)}


def test_the_certificate_of_sanitisation_names_device_disks_method_and_verification() -> None:
    text = all_text(render_sanitisation_certificate(samples.sanitisation_certificate(), "en"))
    for expected in (
        "Matti Meikäläinen",
        "Joensuun Digikahvila ry",
        "1 Mar 2025",
        "JNS-000042-7",
        "PF1ABCDE",
        "Pohjois-Karjalan Osuuspankki",
        "S4EVNX0M123456",
        "500 GB",
        "NVMe solid-state drive",
        "Purge",
        "Cryptographic erase",
        "nvme-cli 2.4",
        "Full read-back of every sector",
        "Passed",
        "Pekka Virtanen, 3 Mar 2025",
        "Reuse within the organisation",
        "NIST SP 800-88 Rev. 1",
    ):
        assert expected in text, expected


def test_a_destroyed_disk_appears_as_destroyed_with_who_and_the_witness() -> None:
    for language, words in {
        "fi": ("Tuhoaminen (Destroy)", "Silputtu", "tuhottiin fyysisesti", "2.3.2025"),
        "sv": ("Förstöring (Destroy)", "Strimlad", "förstördes fysiskt", "2 mars 2025"),
        "en": ("Destroy", "Shredded", "physically destroyed (shredded)", "2 Mar 2025"),
    }.items():
        text = all_text(render_sanitisation_certificate(samples.sanitisation_certificate(), language))
        assert "WDE1XYZ9" in text
        assert "Åsa Öberg" in text
        assert "Élise Lindström" in text
        for word in words:
            assert word in text, (language, word)


def test_finnish_sizes_and_dates_are_written_the_finnish_way() -> None:
    text = all_text(render_sanitisation_certificate(samples.sanitisation_certificate()))
    # Sizes carry the symbols printed on the disk (as on screen), numbers and dates the Finnish way.
    assert "500 GB" in text
    assert "1 TB" in text
    assert "Gt" not in text
    assert "1.3.2025" in text
    assert "Tarkistuskoodi 7KQ2-PX9M-4TZA" in text


def test_a_receipt_lists_every_device_and_the_certificates_issued_so_far() -> None:
    receipt = samples.donation_receipt(devices=3)
    text = all_text(render_donation_receipt(receipt, "fi"))
    for entry in receipt.devices:
        assert entry.device.asset_tag in text
        assert entry.device.serial in text
    assert "KI-2025-000001" in text
    assert text.count("Odottaa") == 2
    assert "1/3" in text
    assert "Pohjois-Karjalan Sähkö Oy" in text


def test_the_final_donor_report_is_the_receipt_with_every_number() -> None:
    receipt = samples.donation_receipt(final=True, devices=3)
    text = all_text(render_donation_receipt(receipt, "fi"))
    assert "Lahjoitusraportti" in text
    assert "Lahjoituskuitti" not in text
    assert "Odottaa" not in text
    for index in range(1, 4):
        assert f"KI-2025-{index:06d}" in text


def test_a_long_donation_runs_over_pages_with_the_mark_on_each() -> None:
    receipt = samples.donation_receipt(final=True, devices=80)
    pdf = render_donation_receipt(receipt, "sv")
    pages = page_texts(pdf)
    assert len(pages) >= 3
    text = all_text(pdf)
    for entry in receipt.devices:
        assert entry.device.asset_tag in text
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} / {len(pages)}" in page
        assert "Verifieringskod D7QX-22PL-9MMA" in " ".join(page.split())


def test_a_gift_passes_ownership_and_a_loan_names_its_due_date() -> None:
    gift = all_text(render_handover_agreement(samples.handover(AgreementKind.GIFT), "fi"))
    assert "Luovutustodistus" in gift
    assert "Omistusoikeus siirtyy asiakkaalle 2.4.2025" in gift
    loan = all_text(render_handover_agreement(samples.handover(AgreementKind.LOAN), "sv"))
    assert "Låneavtal" in loan
    assert "2 okt. 2025" in loan
    assert "Lämna tillbaka enheten" in loan
    english = all_text(render_handover_agreement(samples.handover(AgreementKind.LOAN), "en"))
    for expected in (
        "Aino Hämäläinen",
        "AS-7F3K",
        "JNS-000042-7",
        "Laturi, Hiiri",
        "2 Oct 2025",
        "Digituki Joensuu",
    ):
        assert expected in english, expected
    assert "Laitetta ei saa myydä eteenpäin." in english, "the organisation's own terms are printed as given"


def test_signatures_are_drawn_into_the_lines_or_left_empty_to_sign() -> None:
    assert image_count(render_handover_agreement(samples.handover(signed=True), "fi")) == 2
    assert image_count(render_handover_agreement(samples.handover(signed=False), "fi")) == 0


def test_a_signature_that_is_not_a_png_is_refused() -> None:
    agreement = dataclasses.replace(samples.handover(), client_signature_png=b"GIF89a not a png")
    with pytest.raises(ValueError, match="PNG image"):
        render_handover_agreement(agreement, "fi")


def test_the_orientation_certificate_sums_the_time_and_lists_each_topic_once() -> None:
    certificate = samples.orientation()
    assert certificate.total_minutes == 255
    assert certificate.topics_covered == (
        "Suomi.fi-tunnistus",
        "Sähköposti",
        "Kela-asiointi",
        "OmaKanta",
        "Tietoturva",
    )
    text = all_text(render_orientation_certificate(certificate, "fi"))
    assert "Ohjauskertoja: 3; aikaa yhteensä: 4 t 15 min" in text
    assert "1 t 30 min" in text
    assert "Jussi Ääri" in text
    assert "Kaisa Öhman" in text
    assert "7.3.2025" in text


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Finnish \(fi\), Swedish \(sv\), English \(en\), not in 'de'"):
        render_sanitisation_certificate(samples.sanitisation_certificate(), "de")


def test_a_loan_needs_a_due_date_and_a_gift_has_none() -> None:
    with pytest.raises(ValueError, match="needs the date by which the device is returned"):
        dataclasses.replace(samples.handover(AgreementKind.LOAN), due_on=None)
    with pytest.raises(ValueError, match="A gift has no due date"):
        dataclasses.replace(samples.handover(AgreementKind.GIFT), due_on=date(2026, 1, 1))
    with pytest.raises(ValueError, match="due date must come after"):
        dataclasses.replace(samples.handover(AgreementKind.LOAN), due_on=date(2025, 4, 2))


def test_a_destroyed_disk_needs_a_witness_other_than_who_destroyed_it() -> None:
    with pytest.raises(ValueError, match="someone other than who destroyed it"):
        DiskDestruction("Åsa Öberg", "åsa öberg", date(2025, 3, 2), DestructionMethod.SHRED)
    with pytest.raises(ValueError, match="The witness of the destruction is missing"):
        DiskDestruction("Åsa Öberg", " ", date(2025, 3, 2), DestructionMethod.SHRED)
    disk = samples.sanitisation_certificate().disks[0].disk
    with pytest.raises(ValueError, match="recorded as destroyed"):
        DiskSanitisation(disk, ErasureCategory.DESTROY, SanitisationTechnique.OVERWRITE)
    with pytest.raises(ValueError, match="give the technique used"):
        DiskSanitisation(disk, ErasureCategory.CLEAR)


def test_a_certificate_without_disks_or_tool_is_refused() -> None:
    certificate = samples.sanitisation_certificate()
    with pytest.raises(ValueError, match="at least one disk"):
        dataclasses.replace(certificate, disks=())
    with pytest.raises(ValueError, match="tool used to erase the disks"):
        dataclasses.replace(certificate, tool="")
    destroyed_only = dataclasses.replace(certificate, disks=certificate.disks[1:], tool="")
    assert "WDE1XYZ9" in all_text(render_sanitisation_certificate(destroyed_only, "en"))


def test_an_empty_number_or_code_is_refused() -> None:
    with pytest.raises(ValueError, match="The verification code is missing"):
        samples.mark(code="")
    with pytest.raises(ValueError, match="The document number is missing"):
        samples.mark(number=" ")


def test_a_time_zone_aware_creation_date_is_written_in_utc() -> None:
    assert pdf_date(date(2025, 3, 1)) == "D:20250301000000+00'00'"
    assert pdf_date(datetime.fromisoformat("2025-03-01T12:00:00+02:00")) == "D:20250301100000+00'00'"
