"""Rule 4 in the database (issue 15): the votes a decision rests on are as immutable as the
decision, and no decision row exists without three equal votes of the three core partners.
Only the retention purge, deleting the whole dossier, removes them."""

import pytest
from django.db import IntegrityError, connection, transaction

from tests.weegploeg.factories import vote
from weegploeg.models import Decision, Outcome, Vote

MOTIVATION = "Feiten wijzen op geweldsbereidheid; bespreken in casusoverleg."


@pytest.fixture
def decided(item, members):
    decision = None
    for partner in ("gemeente", "politie", "om"):
        decision = vote(members[partner], item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert decision is not None
    return decision


def run(sql, params=()):
    """Raw SQL as any session could send it; deferred checks are made to run at once (as at
    the commit)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.parametrize("change", ["outcome = 'no_casusoverleg'", "motivation = 'Anders.'",
                                    "partner_id = partner_id", "cast_at = now()"])
def test_the_votes_of_a_decided_item_cannot_be_updated(decided, change):
    with pytest.raises(IntegrityError, match="stemmen liggen vast"):
        run(f"UPDATE weegploeg_vote SET {change} WHERE item_id = %s",  # noqa: S608
            [decided.item_id])


def test_the_votes_of_a_decided_item_cannot_be_deleted(decided):
    with pytest.raises(IntegrityError, match="stemmen liggen vast"):
        run("DELETE FROM weegploeg_vote WHERE item_id = %s", [decided.item_id])
    assert Vote.objects.filter(item_id=decided.item_id).count() == 3


def test_no_vote_is_added_to_a_decided_item(decided, members):
    with pytest.raises(IntegrityError, match="stemmen liggen vast"):
        run("INSERT INTO weegploeg_vote (item_id, partner_id, voter_id, outcome, motivation,"
            " cast_at) SELECT item_id, partner_id, voter_id, outcome, motivation, now()"
            " FROM weegploeg_vote WHERE item_id = %s LIMIT 1", [decided.item_id])


def test_a_decision_cannot_be_deleted_while_its_signal_exists(decided):
    # Without its follow-ups (weegploeg/follow_up.py), so that the refusal comes from this
    # rule and not from a row that refers to the decision.
    run("DELETE FROM weegploeg_followup WHERE decision_id = %s", [decided.pk])
    with pytest.raises(IntegrityError, match="hele dossier"):
        run("DELETE FROM weegploeg_decision WHERE id = %s", [decided.pk])


def insert_decision(item, outcome, user):
    run("INSERT INTO weegploeg_decision (signal_id, item_id, outcome, reasoning,"
        " invited_parties, other_party, referral, taken_at, correction_reason, recorded_by_id)"
        " VALUES (%s, %s, %s, 'Besluit.', '{zorg_ggz}', '', '', now(), '', %s)",
        [item.signal_id, item.pk, outcome, user.pk])


def test_no_decision_row_without_votes(item, coordinator):
    with pytest.raises(IntegrityError, match="drie gelijke stemmen"):
        insert_decision(item, Outcome.CASUSOVERLEG, coordinator)
    assert not Decision.objects.exists()


def test_no_decision_row_with_two_votes_or_unequal_votes(item, members, coordinator):
    vote(members["gemeente"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    vote(members["politie"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    with pytest.raises(IntegrityError, match="drie gelijke stemmen"):
        insert_decision(item, Outcome.CASUSOVERLEG, coordinator)
    vote(members["om"], item, Outcome.NO_CASUSOVERLEG, MOTIVATION)
    for outcome in (Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG):
        with pytest.raises(IntegrityError, match="drie gelijke stemmen"):
            insert_decision(item, outcome, coordinator)
    assert not Decision.objects.exists()


def test_no_decision_row_for_another_outcome_than_the_votes(decided, coordinator):
    with pytest.raises(IntegrityError, match="drie gelijke stemmen"):
        insert_decision(decided.item, Outcome.NO_CASUSOVERLEG, coordinator)


def test_the_purge_deletes_votes_and_decision_with_the_whole_dossier(decided):
    """The exception: the dossier goes as a whole (the retention purge)."""
    signal = decided.signal
    with transaction.atomic():
        signal.delete()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not Vote.objects.exists()
    assert not Decision.objects.exists()
