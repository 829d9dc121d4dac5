"""Rule 13 (issue 20): before its vote counts, each core partner states per agenda item that
it consulted its own systems — information brought in, nothing known, or cannot share — and
the decision record shows the three statements."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pga.models import Role
from pga.services import RuleViolation
from weegploeg.integral import state_consultation
from weegploeg.models import ConsultationResult, IntegralStatement, Outcome, Vote
from weegploeg.readiness import Check, vote_prerequisites
from weegploeg.records import create_decision_record
from weegploeg.services import cast_vote

MOTIVATION = "Zorgen over geweldsbereidheid; bespreken in het casusoverleg."


def integral_line(signal, item):
    return next(p for p in vote_prerequisites(signal, item).prerequisites
                if p.check == Check.INTEGRAL)


def test_a_partner_cannot_vote_before_it_stated_that_it_consulted_its_systems(item, members):
    with pytest.raises(RuleViolation, match="eigen systemen"):
        cast_vote(members["politie"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert not Vote.objects.exists()
    state_consultation(members["politie"], item, ConsultationResult.CANNOT_SHARE)
    cast_vote(members["politie"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert Vote.objects.get().partner == members["politie"].partner


def test_the_checklist_names_the_partners_still_to_state(item, members):
    line = integral_line(item.signal, item)
    assert not line.met and line.per_partner
    state_consultation(members["om"], item, ConsultationResult.NOTHING_KNOWN)
    line = integral_line(item.signal, item)
    assert members["om"].partner.name not in line.detail
    assert members["politie"].partner.name in line.detail
    state_consultation(members["politie"], item, ConsultationResult.INFORMATION_ADDED)
    state_consultation(members["gemeente"], item, ConsultationResult.NOTHING_KNOWN)
    assert integral_line(item.signal, item).met


def test_only_a_member_of_a_core_partner_states_and_only_for_its_own_partner(
    item, members, coordinator, outsider
):
    with pytest.raises(RuleViolation):
        state_consultation(coordinator, item, ConsultationResult.NOTHING_KNOWN)
    with pytest.raises(RuleViolation):
        state_consultation(outsider, item, ConsultationResult.NOTHING_KNOWN)
    statement = state_consultation(members["gemeente"], item, ConsultationResult.NOTHING_KNOWN)
    assert statement.partner == members["gemeente"].partner
    # Changed until the decision, still one statement per partner.
    state_consultation(members["gemeente"], item, ConsultationResult.INFORMATION_ADDED)
    assert IntegralStatement.objects.get().result == ConsultationResult.INFORMATION_ADDED


def test_an_unknown_result_is_refused_in_dutch(item, members):
    with pytest.raises(RuleViolation, match="Kies wat de raadpleging"):
        state_consultation(members["om"], item, "alles")
    assert not IntegralStatement.objects.exists()


def test_no_statement_after_the_decision(item, members):
    for member in members.values():
        state_consultation(member, item, ConsultationResult.NOTHING_KNOWN)
        cast_vote(member, item, Outcome.CASUSOVERLEG, MOTIVATION)
    with pytest.raises(RuleViolation, match="al besloten"):
        state_consultation(members["om"], item, ConsultationResult.CANNOT_SHARE)


def test_the_item_page_offers_the_statement_and_then_the_vote(client, login, item, members):
    url = reverse("weegploeg:item", args=[item.pk])
    login(members["politie"])
    page = client.get(url).content.decode()
    assert 'name="integraal"' in page and 'name="stem"' not in page
    assert client.post(url, {"integraal": "1", "result": "maybe"}).status_code == 200
    assert not IntegralStatement.objects.exists()
    assert client.post(url, {"integraal": "1", "result": "cannot_share"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'name="stem"' in page
    assert "Kan niet delen" in page


def test_the_decision_record_shows_the_three_statements(item, members):
    results = {"gemeente": ConsultationResult.INFORMATION_ADDED,
               "politie": ConsultationResult.CANNOT_SHARE,
               "om": ConsultationResult.NOTHING_KNOWN}
    decision = None
    for key, member in members.items():
        state_consultation(member, item, results[key])
        decision = cast_vote(member, item, Outcome.CASUSOVERLEG, MOTIVATION) or decision
    record = create_decision_record(decision)
    with record.file.open("rb") as handle:
        text = " ".join(" ".join(page.extract_text().split())
                        for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Integrale weging" in text
    for key, member in members.items():
        assert f"{member.partner.name} {results[key].label}" in text


def test_a_coordinator_without_the_member_role_gets_no_statement_form(
    client, login, item, make_user, weegploeg
):
    login(make_user(weegploeg.politie, Role.COORDINATOR))
    page = client.get(reverse("weegploeg:item", args=[item.pk])).content.decode()
    assert 'name="integraal"' not in page
