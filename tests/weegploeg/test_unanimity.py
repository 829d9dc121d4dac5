"""Rule 4: a decision exists only when all three core partners cast the same vote."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from pga.models import Role
from pga.services import RuleViolation
from signals.models import SignalStatus
from tests.weegploeg.factories import state_consulted, vote
from weegploeg.models import Decision, ItemStatus, Outcome, Vote
from weegploeg.services import cast_vote, close_session, correct_decision

MOTIVATION = "Feiten wijzen op geweldsbereidheid; bespreken in casusoverleg."


def vote_all(item, members, outcomes):
    result = None
    for partner, outcome in zip(("gemeente", "politie", "om"), outcomes, strict=True):
        result = vote(members[partner], item, outcome, MOTIVATION)
    return result


def test_decision_requires_all_three_partners_to_agree(item, members):
    assert vote(members["gemeente"], item, Outcome.CASUSOVERLEG, MOTIVATION) is None
    assert vote(members["politie"], item, Outcome.CASUSOVERLEG, MOTIVATION) is None
    assert not Decision.objects.exists()
    decision = vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert decision.outcome == Outcome.CASUSOVERLEG
    assert decision.invited_parties == ["reclassering", "zorg_ggz"]
    item.refresh_from_db()
    item.signal.refresh_from_db()
    assert item.status == ItemStatus.DECIDED
    assert item.signal.status == SignalStatus.DECIDED


def test_no_decision_with_two_equal_votes_and_one_different(item, members):
    vote_all(item, members, [Outcome.CASUSOVERLEG, Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG])
    assert not Decision.objects.exists()


def test_a_vote_can_be_changed_until_the_decision_is_taken(item, members):
    vote_all(item, members, [Outcome.CASUSOVERLEG, Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG])
    decision = vote(members["om"], item, Outcome.CASUSOVERLEG, "Na overleg: eens.")
    assert decision is not None
    assert Vote.objects.filter(item=item).count() == 3
    with pytest.raises(RuleViolation, match="al besloten"):
        vote(members["gemeente"], item, Outcome.NO_CASUSOVERLEG, "Toch niet.")


def test_member_cannot_vote_for_another_partner_and_votes_count_per_partner(
    item, members, weegploeg, make_user
):
    second_gemeente_member = make_user(weegploeg.gemeente, Role.MEMBER)
    vote(members["gemeente"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    vote(second_gemeente_member, item, Outcome.CASUSOVERLEG, MOTIVATION)
    vote(members["politie"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    # Two gemeente members are one partner, one vote: still no decision without the OM.
    assert not Decision.objects.exists()
    assert Vote.objects.filter(item=item).count() == 2


def test_outsider_and_non_members_cannot_vote(item, outsider, coordinator, meldpunt):
    for user in (outsider, coordinator, meldpunt):
        with pytest.raises(RuleViolation):
            vote(user, item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert not Vote.objects.exists()


def test_one_vote_per_partner_per_item_is_a_database_constraint(item, members):
    vote(members["om"], item, Outcome.NO_CASUSOVERLEG, MOTIVATION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(
            item=item, partner=members["om"].partner, voter=members["om"],
            outcome=Outcome.CASUSOVERLEG, motivation="x",
        )


def test_missing_motivation_is_refused(item, members):
    with pytest.raises(RuleViolation, match="motivering") as refused:
        vote(members["om"], item, Outcome.CASUSOVERLEG, "   ")
    assert refused.value.field == "motivation"
    assert not Vote.objects.exists()


def test_voting_on_a_closed_session_is_refused(item, members, coordinator):
    close_session(coordinator, item.session)
    with pytest.raises(RuleViolation, match="gesloten"):
        vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert not Vote.objects.exists()


def test_casusoverleg_vote_requires_a_complete_assessment(coordinator, session, signal, members):
    from weegploeg.services import add_to_agenda, prepare_decision

    item = add_to_agenda(coordinator, session, signal)
    prepare_decision(coordinator, item, invited_parties=["zorg_ggz"])
    with pytest.raises(RuleViolation, match="volledige gezamenlijke weging"):
        vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    # Other outcomes do not need the assessment.
    vote(members["om"], item, Outcome.MORE_INFORMATION, MOTIVATION)
    assert Vote.objects.get().outcome == Outcome.MORE_INFORMATION


def test_casusoverleg_vote_requires_the_persons_identity(coordinator, session, members, meldpunt,
                                                         weegploeg):
    from criteria.assessments import record_joint_assessment
    from tests.criteria.factories import judgements
    from tests.signals.factories import person_fields, register
    from weegploeg.services import add_to_agenda, prepare_decision

    anonymous = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        first_names="", surname="", date_of_birth=None, municipality=weegploeg.gemeente))
    record_joint_assessment(members["om"], anonymous, judgements(), "Conclusie.")
    item = prepare_decision(
        coordinator, add_to_agenda(coordinator, session, anonymous), invited_parties=["lse"]
    )
    with pytest.raises(RuleViolation, match="identiteit"):
        vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)


def test_a_taken_decision_cannot_be_edited(item, members):
    decision = vote_all(item, members, [Outcome.CASUSOVERLEG] * 3)
    decision.reasoning = "Achteraf aangepast"
    with pytest.raises(IntegrityError, match="onveranderlijk"), transaction.atomic():
        decision.save()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE weegploeg_decision SET reasoning = 'x' WHERE id = %s", [decision.pk])
    decision.refresh_from_db()
    assert decision.reasoning == "De weegploeg ziet reden voor een casusoverleg."


def test_a_correction_is_a_new_decision_referring_to_the_old_one(item, members, coordinator):
    decision = vote_all(item, members, [Outcome.CASUSOVERLEG] * 3)
    with pytest.raises(RuleViolation, match="reden"):
        correct_decision(coordinator, decision, reasoning="Nieuwe tekst", reason="")
    correction = correct_decision(
        coordinator, decision, reasoning="Gecorrigeerde motivering.", reason="Typefout."
    )
    assert correction.corrects == decision
    assert correction.outcome == decision.outcome
    decision.refresh_from_db()
    assert not decision.is_current


def test_no_consensus_returns_the_item_and_flags_escalation_after_two_rounds(
    item, members, coordinator, weegploeg, settings
):
    from weegploeg.services import add_to_agenda, plan_session

    settings.ESCALATION_ROUNDS = 2
    vote_all(item, members, [Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG,
                             Outcome.CASUSOVERLEG])
    close_session(coordinator, item.session)
    item.refresh_from_db()
    assert item.status == ItemStatus.NO_CONSENSUS
    assert not item.escalate
    item.signal.refresh_from_db()
    assert item.signal.status == SignalStatus.IN_PREPARATION
    later = plan_session(coordinator, weegploeg, item.session.starts_at, online=True)
    second = add_to_agenda(coordinator, later, item.signal)
    assert second.round == 2
    close_session(coordinator, later)
    second.refresh_from_db()
    assert second.status == ItemStatus.NO_CONSENSUS
    assert second.escalate


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_give_exactly_one_decision(
    coordinator, session, members, meldpunt, weegploeg
):
    from criteria.assessments import record_joint_assessment
    from tests.criteria.factories import judgements
    from tests.signals.factories import register
    from weegploeg.services import add_to_agenda, prepare_decision

    signal = register(meldpunt, weegploeg=weegploeg)
    record_joint_assessment(members["om"], signal, judgements(), "Conclusie.")
    item = prepare_decision(
        coordinator, add_to_agenda(coordinator, session, signal), invited_parties=["lse"]
    )
    barrier = threading.Barrier(3)
    results, errors = [], []

    state_consulted(item, *(member.partner for member in members.values()))

    def vote_at_once(member):
        try:
            barrier.wait()
            results.append(cast_vote(member, item, Outcome.CASUSOVERLEG, MOTIVATION))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote_at_once, args=(m,)) for m in members.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Decision.objects.filter(item=item).count() == 1
    assert sum(1 for r in results if r is not None) == 1
