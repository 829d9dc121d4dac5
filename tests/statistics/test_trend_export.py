"""Issue 8: the anonymised trend export for national coordination — counts per month,
region, phenomenon and outcome over every weegploeg, no personal data, no number below 5."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from freezegun import freeze_time

from pga.models import AuditEntry, ProcessingActivity, Role
from signals.models import Signal, SignalStatus
from stats import services as statistics
from tests.statistics import factories as make

HEADER = ["maand", "regio", "fenomeen", "uitkomst", "signalen"]


@pytest.fixture
def national(weegploeg, other_weegploeg, meldpunt, coordinator, make_user):
    """Weegploeg A: six open jihadism signals and two open right-wing signals in January
    2026, five purged "geen casusoverleg" signals of June 2025. Weegploeg B: three decided
    casusoverleg signals in January 2026. Persons with names and BSNs that must not leak."""
    january, june = datetime.date(2026, 1, 12), datetime.date(2025, 6, 3)
    for number in range(6):
        make.signal(weegploeg, meldpunt, received_on=january, surname=f"Quispel{number}")
    for _ in range(2):
        make.signal(weegploeg, meldpunt, received_on=january, phenomenon="rechts_extremisme",
                    surname="Zwanenburg")
    for _ in range(5):
        make.tombstone(weegploeg, received_on=june, decided_on=june, status="decided",
                       outcome="no_casusoverleg")
    b_meldpunt = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    for _ in range(3):
        signal = make.signal(other_weegploeg, b_meldpunt, received_on=january,
                             status=SignalStatus.DECIDED, surname="Oosterbeek")
        make.decision(signal, "casusoverleg", on=january, recorded_by=coordinator)
    Signal.objects.update(reporter_name="Meester Karelsen")


def download(client):
    with freeze_time("2026-05-15 12:00"):
        response = client.get(reverse("statistics:trend_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_export_counts_every_weegploeg_and_suppresses_small_cells(
    national, weegploeg, other_weegploeg, beheerder, login
):
    rows = download(login(beheerder))
    assert rows[0] == HEADER
    assert sorted(rows[1:]) == sorted([
        ["2025-06", weegploeg.name, "Jihadisme", "Geen casusoverleg", "5"],
        ["2026-01", weegploeg.name, "Jihadisme", "Nog in behandeling", "6"],
        ["2026-01", weegploeg.name, "Rechts-extremisme", "Nog in behandeling", "<5"],
        ["2026-01", other_weegploeg.name, "Jihadisme", "Casusoverleg", "<5"],
    ])


def test_no_cell_holds_a_number_below_five(national, beheerder, login):
    counts = [row[-1] for row in download(login(beheerder))[1:]]
    assert counts
    assert all(count == "<5" or int(count) >= statistics.SUPPRESS_BELOW for count in counts)


def test_the_export_holds_no_personal_data(national, beheerder, login):
    text = "\n".join(",".join(row) for row in download(login(beheerder)))
    for signal in Signal.objects.select_related("person", "registered_by"):
        person = signal.person
        for value in (person.surname, person.first_names, person.normalised_name,
                      signal.reference, signal.description, signal.reporter_name,
                      signal.registered_by.full_name, signal.registered_by.email,
                      person.date_of_birth.isoformat()):
            assert value not in text
    assert "ST-VERNIETIGD" not in text  # tombstone references neither


def test_the_download_is_recorded_in_the_audit_log(national, beheerder, login):
    download(login(beheerder))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).latest("pk")
    assert entry.actor == beheerder
    assert entry.purpose == ProcessingActivity.STATISTICS
    assert entry.additional_data["regels"] == 4


@pytest.mark.parametrize("role", [Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR, Role.AUDITOR])
def test_only_the_functioneel_beheerder_downloads_the_national_export(
    role, weegploeg, make_user, login
):
    response = login(make_user(weegploeg.gemeente, role)).get(
        reverse("statistics:trend_export"))
    assert response.status_code == 403
    with pytest.raises(statistics.RuleViolation):
        statistics.trend_rows(make_user(weegploeg.gemeente, role))
