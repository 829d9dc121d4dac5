"""Issue 17: one language per enum's stored values, and an explicit mapping where two enums
meet (docs/adr/0008-stored-values.md)."""

import importlib

from django.db import connection, transaction

from retention.clock import RETENTION_BASIS
from retention.models import RetentionBasis, RetentionRule
from signals.models import SignalStatus
from tests.weegploeg.factories import vote
from weegploeg.models import Outcome

MOTIVATION = "Geen aanwijzingen voor geweldsbereidheid; verwijzen naar het sociaal domein."


def _migration(app, name):
    return importlib.import_module(f"{app}.migrations.{name}")


def _run(*statements):
    """The migrations' SQL. The test's transaction still holds the deferred checks of the
    votes and the decision (a migration starts without them): run them first."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in statements:
            cursor.execute(sql)


def test_every_final_outcome_and_the_withdrawal_map_to_a_retention_rule():
    assert RETENTION_BASIS == {
        Outcome.CASUSOVERLEG: RetentionBasis.CASUSOVERLEG,
        Outcome.NO_CASUSOVERLEG: RetentionBasis.NO_CASUSOVERLEG,
        SignalStatus.WITHDRAWN: RetentionBasis.WITHDRAWN,
    }
    assert Outcome.MORE_INFORMATION not in RETENTION_BASIS  # nadere duiding starts no clock


def test_the_migration_renames_decided_values_and_back(item, members):
    for partner in ("gemeente", "politie", "om"):
        decision = vote(members[partner], item, Outcome.NO_CASUSOVERLEG, MOTIVATION)
    signal = decision.signal
    signal.refresh_from_db()
    assert signal.retention_basis == RetentionBasis.NO_CASUSOVERLEG
    weegploeg = _migration("weegploeg", "0005_stored_values_in_one_language")
    retention = _migration("retention", "0005_stored_values_in_one_language")
    signals = _migration("signals", "0010_stored_values_in_one_language")
    backward = [m.Migration.operations[0].reverse_sql for m in (weegploeg, retention, signals)]
    forward = [m.Migration.operations[0].sql for m in (weegploeg, retention, signals)]

    _run(*backward)
    decision.refresh_from_db()
    signal.refresh_from_db()
    assert decision.outcome == "geen_casusoverleg"
    assert set(decision.item.votes.values_list("outcome", flat=True)) == {"geen_casusoverleg"}
    assert signal.retention_basis == "geen_casusoverleg"
    assert RetentionRule.objects.filter(basis="geen_casusoverleg").exists()

    _run(*forward)
    decision.refresh_from_db()
    signal.refresh_from_db()
    assert decision.outcome == Outcome.NO_CASUSOVERLEG
    assert set(decision.item.votes.values_list("outcome", flat=True)) == {"no_casusoverleg"}
    assert signal.retention_basis == RetentionBasis.NO_CASUSOVERLEG
    assert RetentionRule.objects.filter(basis=RetentionBasis.NO_CASUSOVERLEG).exists()
