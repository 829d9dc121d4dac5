"""The decision record as a document (issue 22): tagged PDF/A (a structure a screen reader
follows), a letterhead for the weegploeg, times in local time with Dutch dates, and no
last page that holds only the closing lines."""

import datetime
import io

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from tests.weegploeg.factories import vote
from weegploeg.models import Outcome
from weegploeg.records import create_decision_record

# A summer night: 22:30 UTC on 30 June is 00:30 on 1 July in Amsterdam (UTC+2).
VOTED_AT = datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC)
MOTIVATION = "Zorgen over isolement en uitingen over geweld; een casusoverleg is nodig."


@pytest.fixture
def record_pdf(item, members):
    """The record of a casusoverleg decision whose votes were cast on a summer night."""
    decision = None
    with freeze_time(VOTED_AT):
        for member in members.values():
            decision = vote(member, item, Outcome.CASUSOVERLEG, MOTIVATION) or decision
        record = create_decision_record(decision)
    with record.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def page_texts(reader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_record_is_tagged_pdf_a_level_a(record_pdf):
    root = record_pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    structure = root["/StructTreeRoot"].get_object()
    assert structure["/K"], "the structure tree is empty"
    assert root["/Lang"] == "nl"
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in xmp
    assert b'pdfaid:conformance="A"' in xmp


def test_the_record_shows_times_in_local_time_with_dutch_dates(record_pdf):
    text = " ".join(page_texts(record_pdf))
    assert "Tijdstip 1 juli 2026, 00:30" in text
    assert "Dit verslag is op 1 juli 2026, 00:30" in text
    assert "22:30" not in text and "July" not in text and "30 juni" not in text


def test_the_first_page_opens_with_a_letterhead_of_the_weegploeg(record_pdf, item, members):
    first = page_texts(record_pdf)[0]
    head = first[:first.index("Besluitverslag weegploeg")]
    assert head.startswith(item.signal.weegploeg.name)
    for member in members.values():
        assert member.partner.name in head
    assert f"Kenmerk {item.signal.reference}" in head
    assert "Datum besluit" in head


def test_the_last_page_is_not_only_the_closing_lines(record_pdf):
    """The closing (retention date, how the record was made) stays with the decision."""
    last = page_texts(record_pdf)[-1]
    assert "Bewaartermijn" in last
    assert "Gezamenlijke motivering" in last
