"""Document text: a line that fits is drawn as one line, longer text wraps inside the page and is kept whole."""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Paragraph

from labels.document_model import Heading, Text
from labels.document_pdf import render_document
from labels.document_styles import paragraph_styles
from labels.document_text import make_document
from labels.text_fit import text_width
from labels.text_flowables import OneLine, text_flowable
from tests.labels import samples
from tests.labels.pdf_reading import all_text, page_texts

WIDTH = 480.0
LONG = "Tietojen hävittäminen ja sen todentaminen " * 6


def test_a_line_that_fits_is_one_line_as_tall_as_the_style_leads() -> None:
    style = paragraph_styles()["heading"]
    flowable = text_flowable("Laite", style, WIDTH)
    assert isinstance(flowable, OneLine)
    assert flowable.wrap(WIDTH, 1000) == (WIDTH, style.leading)
    assert flowable.getSpaceBefore() == style.spaceBefore
    assert flowable.getSpaceAfter() == style.spaceAfter


def test_text_too_wide_or_on_several_lines_wraps_as_a_paragraph() -> None:
    style = paragraph_styles()["body"]
    assert text_width(LONG, style.fontName, style.fontSize) > WIDTH
    for text in (LONG, "Ensimmäinen rivi\ntoinen rivi"):
        flowable = text_flowable(text, style, WIDTH)
        assert isinstance(flowable, Paragraph)
        _, height = flowable.wrap(WIDTH, 1000)
        assert height >= 2 * style.leading


def test_a_heading_wider_than_the_page_is_printed_whole() -> None:
    pdf = render_document(
        make_document(
            title="Otsikko",
            subtitle="Alaotsikko",
            language="fi",
            created=date(2025, 3, 1),
            mark=samples.mark(),
            blocks=[Heading(LONG.strip()), Text("Lyhyt kappale.")],
        )
    )
    text = all_text(pdf)
    assert " ".join(LONG.split()) in text
    assert "Lyhyt kappale." in text
    heading_lines = [line for line in page_texts(pdf)[0].splitlines() if "todentaminen" in line]
    assert len(heading_lines) >= 2, "the long heading was set on one line, past the page's edge"
