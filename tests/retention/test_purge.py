"""Rule 8: the purge deletes what is due and nothing else — not under a legal hold, not
sooner than the minimum age, at most the maximum per run — and running it again, or after
an interrupted run, is harmless and completes what was left."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from pga.audit import WITHHELD, declaration
from pga.models import AuditEntry
from retention import erasure, holds, purge, selectors
from retention.holds import place_hold
from retention.models import DeletedSignal, LegalHold, PurgeFailure, PurgeRun, PurgeTrigger
from retention.purge import nightly_purge, purge_due, purge_signal
from retention.tasks import purge_expired_signals
from signals.models import (
    Attachment,
    Contribution,
    Person,
    Signal,
    SignalGroupObjectPermission,
)
from signals.services import add_contribution
from tests.factories import legal_ground
from tests.retention.factories import decide, decided_signal, due_day, withdrawn_signal
from tests.signals.factories import person_fields, register
from weegploeg.models import Decision, Outcome, Vote


@pytest.fixture
def decided(meldpunt, weegploeg, coordinator, members):
    """A signal decided "geen casusoverleg": due one year after the decision."""
    return decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members)


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - own table names
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_due_signal_is_purged_with_everything_personal_attached(decided, members):
    decision = Decision.objects.get(signal=decided)
    person_id = decided.person_id
    report = purge_due(due_day(decided), synchronous=True)
    assert [ref for _pk, ref in report.selected] == [decided.reference]
    assert not Signal.objects.filter(pk=decided.pk).exists()
    assert not Person.objects.filter(pk=person_id).exists()
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert not Vote.objects.filter(item__signal_id=decided.pk).exists()
    tombstone = DeletedSignal.objects.get(signal_id=decided.pk)
    assert tombstone.reference == decided.reference
    assert tombstone.purge_run == report.run
    assert tombstone.voting_rounds == 1


def test_nothing_is_purged_before_its_deletion_date(decided):
    report = purge_due(due_day(decided, extra_days=-1), synchronous=True)
    assert report.selected == []
    assert Signal.objects.filter(pk=decided.pk).exists()


def test_legal_hold_on_the_signal_prevents_deletion(decided, beheerder):
    place_hold(beheerder, signal=decided, reason="Procedure bij de rechtbank, zaak 123.",
               until=decided.deletion_due + datetime.timedelta(days=90))
    report = purge_due(due_day(decided), synchronous=True)
    assert report.selected == []
    assert report.skipped_for_hold == 1
    assert report.run.skipped_for_hold == 1
    assert Signal.objects.filter(pk=decided.pk).exists()
    assert not DeletedSignal.objects.exists()


def test_legal_hold_on_the_person_prevents_deletion_of_all_their_signals(
    decided, beheerder, meldpunt, weegploeg
):
    place_hold(beheerder, person=decided.person, reason="Klacht bij de AP, kenmerk 9.",
               until=decided.deletion_due + datetime.timedelta(days=90))
    purge_due(due_day(decided), synchronous=True)
    assert Signal.objects.filter(pk=decided.pk).exists()


def test_an_expired_hold_still_blocks_and_is_reported_until_it_is_ended(decided, beheerder):
    hold = place_hold(beheerder, signal=decided, reason="Bezwaarprocedure, zaak 77.",
                      until=decided.deletion_due - datetime.timedelta(days=10))
    report = purge_due(due_day(decided), synchronous=True)
    assert report.expired_holds == 1
    assert report.run.expired_holds == 1
    assert Signal.objects.filter(pk=decided.pk).exists()
    holds.end_hold(beheerder, hold, "Procedure afgerond.")
    purge_due(due_day(decided), synchronous=True)
    assert not Signal.objects.filter(pk=decided.pk).exists()
    # The ended hold went with the signal (its reason may name the person).
    assert not LegalHold.objects.filter(pk=hold.pk).exists()


def test_a_hold_placed_after_the_selection_wins(decided, beheerder):
    """The per-signal task checks again under the row lock."""
    place_hold(beheerder, signal=decided, reason="Net op tijd ingesteld.",
               until=decided.deletion_due + datetime.timedelta(days=30))
    assert purge_signal(decided.pk, today=due_day(decided).date()) is None
    assert Signal.objects.filter(pk=decided.pk).exists()


def test_dry_run_changes_nothing(decided, capsys):
    before = table_counts()
    report = purge_due(due_day(decided), dry_run=True)
    assert [ref for _pk, ref in report.selected] == [decided.reference]
    assert report.run is None
    from freezegun import freeze_time

    with freeze_time(due_day(decided)):
        call_command("purge_expired", "--dry-run")
    output = capsys.readouterr().out
    assert decided.reference in output
    assert "Proefdraai: er is niets veranderd." in output
    assert decided.person.surname not in output
    assert table_counts() == before


def test_the_command_purges_synchronously_and_reports(decided, capsys):
    from freezegun import freeze_time

    with freeze_time(due_day(decided)):
        call_command("purge_expired")
    output = capsys.readouterr().out
    assert "Vernietigd: 1 van 1" in output
    assert not Signal.objects.filter(pk=decided.pk).exists()
    assert PurgeRun.objects.get().trigger == PurgeTrigger.COMMAND


def test_running_the_purge_twice_is_harmless(decided, meldpunt, weegploeg):
    other = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        first_names="Ander", surname="Persoon", municipality=weegploeg.gemeente))
    first = purge_due(due_day(decided), synchronous=True)
    second = purge_due(due_day(decided), synchronous=True)
    assert len(first.selected) == 1
    assert second.selected == []
    # Purging an id that is already purged is a no-op.
    assert purge_signal(decided.pk, today=due_day(decided).date()) is None
    assert DeletedSignal.objects.count() == 1
    assert Signal.objects.filter(pk=other.pk).exists()
    assert selectors.runs_with_results().get(pk=first.run.pk).purged == 1
    assert selectors.runs_with_results().get(pk=second.run.pk).purged == 0


class Killed(BaseException):
    """Stands for the worker being killed: not an Exception, so nothing catches it."""


def test_a_purge_killed_halfway_through_its_transaction_is_completed_by_the_next_run(
    decided, monkeypatch
):
    calls = []

    def delete_then_die(persons):
        calls.append(persons)
        raise Killed

    monkeypatch.setattr(purge, "_anonymise_requests", delete_then_die)
    with pytest.raises(Killed):
        purge_due(due_day(decided), synchronous=True)
    assert calls  # it died after the tombstone facts were read and the signal deleted ...
    # ... and the transaction took all of it back: nothing half-deleted, no tombstone.
    assert Signal.objects.filter(pk=decided.pk).exists()
    assert Person.objects.filter(pk=decided.person_id).exists()
    assert Decision.objects.filter(signal=decided).exists()
    assert not DeletedSignal.objects.exists()
    monkeypatch.undo()
    purge_due(due_day(decided), synchronous=True)
    assert not Signal.objects.filter(pk=decided.pk).exists()
    assert DeletedSignal.objects.filter(signal_id=decided.pk).exists()


def test_files_left_by_a_run_killed_after_its_commit_are_removed_by_the_next_run(
    meldpunt, weegploeg, coordinator, members, monkeypatch, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("verslag.txt", b"Inhoud van de bijlage")
    signal = register(meldpunt, weegploeg=weegploeg, attachments=[(upload, "text/plain")])
    decide(signal, Outcome.NO_CASUSOVERLEG, coordinator=coordinator, members=members)
    name = Attachment.objects.get(signal=signal).file.name
    assert default_storage.exists(name)
    # The worker dies right after the commit: the files are not removed.
    monkeypatch.setattr(purge, "remove_pending_files", lambda tombstone_id: 0)
    with django_capture_on_commit_callbacks(execute=True):
        purge_due(due_day(signal), synchronous=True)
    tombstone = DeletedSignal.objects.get(signal_id=signal.pk)
    assert tombstone.pending_files == [name]
    assert default_storage.exists(name)
    monkeypatch.undo()
    report = purge_due(due_day(signal), synchronous=True)
    assert report.files_completed == 1
    assert not default_storage.exists(name)
    tombstone.refresh_from_db()
    assert tombstone.pending_files == []
    # A file that is already gone is fine.
    tombstone.pending_files = [name]
    tombstone.save()
    assert erasure.remove_pending_files(tombstone.pk) == 1


def test_nothing_is_purged_sooner_than_the_minimum_age_whatever_the_rules_say(
    meldpunt, weegploeg, coordinator, settings
):
    settings.RETENTION_MIN_AGE_DAYS = 30
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    # A mistaken rule: deleted the day after the withdrawal.
    signal.deletion_due = signal.retention_started_on + datetime.timedelta(days=1)
    signal.save(update_fields=["deletion_due"])
    assert purge_due(due_day(signal), synchronous=True).selected == []
    day_30 = signal.retention_started_on + datetime.timedelta(days=30)
    assert purge_due(due_day(signal, (day_30 - signal.deletion_due).days),
                     synchronous=True).selected


def test_a_run_purges_at_most_the_maximum_per_run(meldpunt, weegploeg, coordinator, settings):
    settings.RETENTION_MAX_PER_RUN = 2
    signals = [withdrawn_signal(meldpunt, weegploeg, coordinator, first_names=f"P{n}",
                                surname=f"Achternaam{n}") for n in range(3)]
    report = purge_due(due_day(signals[0]), synchronous=True)
    assert report.due == 3
    assert len(report.selected) == 2
    assert Signal.objects.count() == 1
    purge_due(due_day(signals[0]), synchronous=True)
    assert Signal.objects.count() == 0


def test_a_switched_off_purge_deletes_nothing_but_records_the_run(decided, settings):
    settings.RETENTION_PURGE_ENABLED = False
    report = nightly_purge(due_day(decided))
    assert Signal.objects.filter(pk=decided.pk).exists()
    assert report.run.enabled is False
    assert report.run.due == 1
    settings.RETENTION_PURGE_ENABLED = True
    nightly_purge(due_day(decided))
    assert not Signal.objects.filter(pk=decided.pk).exists()


def test_the_nightly_task_hands_out_one_task_per_batch(
    meldpunt, weegploeg, coordinator, monkeypatch
):
    from freezegun import freeze_time

    signals = [withdrawn_signal(meldpunt, weegploeg, coordinator, first_names=f"P{n}",
                                surname=f"Achternaam{n}") for n in range(3)]
    monkeypatch.setattr(purge, "PURGE_BATCH_SIZE", 2)
    handed_out, rewritten = [], []
    original = purge.purge_signals_safely
    monkeypatch.setattr(purge, "purge_signals_safely",
                        lambda *args: handed_out.append(args) or original(*args))
    monkeypatch.setattr(erasure, "rewrite_purged_tables",
                        lambda *args: rewritten.append(args) or [])
    with freeze_time(due_day(signals[0], 30)):
        purge_expired_signals.delay()
    # One task per batch, chained, and the chain ends by rewriting the tables.
    assert [args[0] for args in handed_out] == [[signals[0].pk, signals[1].pk],
                                               [signals[2].pk]]
    assert len(rewritten) == 1
    assert not Signal.objects.exists()
    assert DeletedSignal.objects.count() == 3


def test_a_failing_signal_is_recorded_and_the_rest_of_its_batch_is_purged(
    meldpunt, weegploeg, coordinator, monkeypatch
):
    first = withdrawn_signal(meldpunt, weegploeg, coordinator, surname="Eerste")
    second = withdrawn_signal(meldpunt, weegploeg, coordinator, surname="Tweede")
    third = withdrawn_signal(meldpunt, weegploeg, coordinator, surname="Derde")
    real = purge._tombstone_facts

    def fail_second(signals):
        if second.pk in [signal.pk for signal in signals]:
            raise ValueError(f"Key (bsn)=({second.person.bsn}) geheim")
        return real(signals)

    monkeypatch.setattr(purge, "_tombstone_facts", fail_second)
    report = purge_due(due_day(first, 30), synchronous=True)
    failure = PurgeFailure.objects.get()
    assert (failure.reference, failure.error) == (second.reference, "ValueError")
    assert list(Signal.objects.values_list("pk", flat=True)) == [second.pk]
    assert Person.objects.filter(pk=second.person_id).exists()
    assert set(DeletedSignal.objects.values_list("signal_id", flat=True)) == {
        first.pk, third.pk}
    run = selectors.runs_with_results().get(pk=report.run.pk)
    assert (run.purged, run.failed) == (2, 1)


def test_the_person_stays_while_another_of_their_signals_remains(
    decided, meldpunt, weegploeg
):
    later = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        municipality=weegploeg.gemeente))
    assert later.person_id == decided.person_id  # the same Jan Jansen (rule 9)
    purge_due(due_day(decided), synchronous=True)
    assert Person.objects.filter(pk=decided.person_id).exists()
    assert Signal.objects.filter(pk=later.pk).exists()


def test_permission_rows_attachments_and_contributions_go_with_the_signal(
    meldpunt, weegploeg, coordinator, members
):
    signal = register(meldpunt, weegploeg=weegploeg,
                      attachments=[(SimpleUploadedFile("a.txt", b"x"), "text/plain")])
    add_contribution(members["om"], signal, {
        "source": "OM", "content": "Inhoud", "information_date": datetime.date(2026, 1, 1),
        "visibility": "weegploeg", "legal_ground": legal_ground()})
    decided = decide(signal, Outcome.NO_CASUSOVERLEG, coordinator=coordinator,
                     members=members).signal
    assert SignalGroupObjectPermission.objects.filter(content_object=decided).exists()
    assert Attachment.objects.filter(signal=decided).exists()
    purge_due(due_day(decided), synchronous=True)
    assert not SignalGroupObjectPermission.objects.filter(content_object_id=decided.pk).exists()
    assert not Attachment.objects.filter(signal_id=decided.pk).exists()
    assert not Contribution.objects.filter(signal_id=decided.pk).exists()


def test_the_delete_entries_the_purge_writes_carry_no_personal_values(decided):
    person = decided.person
    purge_due(due_day(decided), synchronous=True)
    deletes = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE)
    # One entry per deleted object (django-auditlog's own), with what and when and no
    # personal values; the person's earlier entries keep the names of the fields, not their
    # values.
    person_delete = deletes.get(content_type=ContentType.objects.get_for_model(Person),
                                object_pk=str(person.pk))
    assert person_delete.changes["surname"] == [WITHHELD, WITHHELD]
    assert all(person_delete.changes[field] == [WITHHELD, WITHHELD]
               for field in declaration(Person).withheld if field in person_delete.changes)
    assert person_delete.purpose == "bewaartermijn"
    assert person_delete.object_repr == str(person)
    person_created = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_pk=str(person.pk),
        action=AuditEntry.Action.CREATE)
    assert person_created.changes["surname"] == [WITHHELD, WITHHELD]
    assert deletes.filter(content_type__model="vote").count() == 3
    text = " ".join(str(entry.changes) + entry.changes_text for entry in deletes)
    assert person.surname not in text
    assert "propaganda" not in text  # the description
    assert decided.reporter_organisation not in text


# -- batches: one transaction for many signals ------------------------------------------


def decided_signals(meldpunt, weegploeg, coordinator, members, count):
    """`count` signals of different persons, each decided "geen casusoverleg" with an
    attachment: due on the same day."""
    signals = []
    for n in range(count):
        signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(
            first_names=f"Persoon{n}", surname=f"Achternaam{n}",
            municipality=weegploeg.gemeente),
            attachments=[(SimpleUploadedFile(f"bijlage{n}.txt", b"x"), "text/plain")])
        decide(signal, Outcome.NO_CASUSOVERLEG, coordinator=coordinator, members=members)
        signal.refresh_from_db()
        signals.append(signal)
    return signals


def test_a_batch_with_one_signal_on_hold_purges_the_others_and_leaves_that_one(
    meldpunt, weegploeg, coordinator, beheerder
):
    signals = [withdrawn_signal(meldpunt, weegploeg, coordinator, surname=f"Achternaam{n}")
               for n in range(3)]
    # Placed after the selection: the batch checks again under its locks.
    place_hold(beheerder, signal=signals[1], reason="Procedure bij de rechtbank, zaak 5.",
               until=signals[1].deletion_due + datetime.timedelta(days=90))
    tombstones = purge.purge_signals([s.pk for s in signals],
                                        today=due_day(signals[0], 30).date())
    assert sorted(t.signal_id for t in tombstones) == [signals[0].pk, signals[2].pk]
    assert list(Signal.objects.values_list("pk", flat=True)) == [signals[1].pk]
    assert Person.objects.filter(pk=signals[1].person_id).exists()
    assert not Person.objects.filter(pk__in=[signals[0].person_id, signals[2].person_id])


def test_a_batch_purge_writes_one_delete_entry_per_deleted_object_with_its_weegploeg(
    meldpunt, weegploeg, coordinator, members, django_capture_on_commit_callbacks
):
    signals = decided_signals(meldpunt, weegploeg, coordinator, members, 2)
    names = {s.pk: Attachment.objects.get(signal=s).file.name for s in signals}
    audited = {Signal: [s.pk for s in signals], Person: [s.person_id for s in signals],
               Vote: list(Vote.objects.filter(item__signal__in=signals)
                          .values_list("pk", flat=True)),
               Decision: list(Decision.objects.filter(signal__in=signals)
                              .values_list("pk", flat=True))}
    with django_capture_on_commit_callbacks(execute=True):
        report = purge_due(due_day(signals[0]), synchronous=True)
    assert len(report.selected) == 2
    for model, pks in audited.items():
        entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                            object_pk__in=[str(pk) for pk in pks])
        deletes = entries.filter(action=AuditEntry.Action.DELETE)
        assert sorted(int(pk) for pk in deletes.values_list("object_pk", flat=True)) == sorted(
            pks), model
        assert set(deletes.values_list("purpose", flat=True)) == {"bewaartermijn"}
        assert set(deletes.values_list("weegploeg_id", flat=True)) == {weegploeg.pk}, model
        withheld = declaration(model).withheld
        for entry in entries.exclude(changes=None):
            assert all(value == [WITHHELD, WITHHELD] for field, value in entry.changes.items()
                       if field in withheld)
    # Each tombstone is audited as created, and noted the files of its own signal, which
    # are gone after the commit.
    tombstones = DeletedSignal.objects.filter(purge_run=report.run)
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DeletedSignal),
        action=AuditEntry.Action.CREATE,
        object_pk__in=[str(t.pk) for t in tombstones]).count() == 2
    assert all(t.pending_files == [] for t in tombstones)
    assert not any(default_storage.exists(name) for name in names.values())
    from pga.audit import verify_audit_chain

    assert verify_audit_chain() is None


def test_files_of_a_batch_are_noted_on_the_tombstone_of_their_signal(
    meldpunt, weegploeg, coordinator, members, monkeypatch
):
    signals = decided_signals(meldpunt, weegploeg, coordinator, members, 2)
    names = {s.pk: Attachment.objects.get(signal=s).file.name for s in signals}
    monkeypatch.setattr(purge, "remove_pending_files", lambda tombstone_id: 0)
    purge.purge_signals([s.pk for s in signals], today=due_day(signals[0]).date())
    for signal in signals:
        pending = DeletedSignal.objects.get(signal_id=signal.pk).pending_files
        assert names[signal.pk] in pending
        assert names[signals[0].pk if signal == signals[1] else signals[1].pk] not in pending


def test_a_batch_purge_finds_and_deletes_what_hangs_off_its_signals_once(
    meldpunt, weegploeg, coordinator, members, django_assert_max_num_queries
):
    """The statements that find and delete what hangs off the signals serve the whole
    batch, django-auditlog's entries of the batch go into the log in one statement
    (`pga.audit.entries_together`) and the tombstones in another: a batch of three takes
    no more statements than a purge of one."""
    signals = decided_signals(meldpunt, weegploeg, coordinator, members, 4)
    today = due_day(signals[0]).date()
    with django_assert_max_num_queries(200) as one:
        assert len(purge.purge_signals([signals[0].pk], today=today)) == 1
    entries = AuditEntry.objects.count()
    with django_assert_max_num_queries(len(one.captured_queries)) as three:
        assert len(purge.purge_signals([s.pk for s in signals[1:]], today=today)) == 3
    assert AuditEntry.objects.count() - entries > 3 * 5  # several objects per signal
    audit_inserts = [q for q in three.captured_queries
                     if q["sql"].startswith('INSERT INTO "pga_auditentry"')]
    assert len(audit_inserts) == 1
    assert not Signal.objects.exists()


def test_two_signals_of_one_person_in_one_batch_delete_the_person_once(
    meldpunt, weegploeg, coordinator
):
    first = withdrawn_signal(meldpunt, weegploeg, coordinator)
    second = withdrawn_signal(meldpunt, weegploeg, coordinator)
    assert first.person_id == second.person_id  # the same Jan Jansen (rule 9)
    purge_due(due_day(first, 30), synchronous=True)
    assert not Signal.objects.exists()
    assert not Person.objects.filter(pk=first.person_id).exists()
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_pk=str(first.person_id),
        action=AuditEntry.Action.DELETE).count() == 1


def test_a_batch_task_run_again_purges_only_what_is_still_there_and_due(
    meldpunt, weegploeg, coordinator
):
    from retention.tasks import purge_signals_task

    signals = [withdrawn_signal(meldpunt, weegploeg, coordinator, surname=f"Achternaam{n}")
               for n in range(2)]
    today = due_day(signals[0], 30).date().isoformat()
    first = purge_signals_task.delay([signals[0].pk], None, today).get()
    # Redelivered (acks_late) with a signal that is now also due in the batch.
    again = purge_signals_task.delay([s.pk for s in signals], None, today).get()
    assert len(first) == 1
    assert len(again) == 1
    assert DeletedSignal.objects.filter(signal_id=signals[1].pk).exists()
    assert DeletedSignal.objects.count() == 2


def test_the_tables_the_purge_rewrites_are_those_it_deletes_from():
    tables = erasure.purged_tables()
    for table in ("signals_signal", "signals_person", "signals_contribution",
                  "signals_attachment", "criteria_assessment", "criteria_judgement",
                  "weegploeg_agendaitem", "weegploeg_vote", "weegploeg_decision",
                  "weegploeg_decisionrecord", "weegploeg_informationrequest",
                  "weegploeg_sessionexport", "retention_legalhold",
                  "retention_notification", "retention_subjectrequest"):
        assert table in tables
    assert "pga_auditentry" not in tables
    assert "pga_partner" not in tables


def test_the_rewrite_waits_for_a_moment_outside_a_transaction(decided):
    """VACUUM cannot run in a transaction: inside one (as here) the rewrite does nothing."""
    report = purge_due(due_day(decided), synchronous=True)
    assert DeletedSignal.objects.filter(purge_run=report.run).exists()
    assert erasure.rewrite_purged_tables(report.run.pk) == []
