"""The audit log is append-only (PostgreSQL refuses every UPDATE and DELETE) and
tamper-evident (a hash chain over every column; `verify_audit_chain` finds the first
break)."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from pga.audit import acting_as, verify_audit_chain
from pga.models import AuditEntry, Partner
from tests.factories import PartnerFactory


@pytest.fixture
def entries(beheerder):
    with acting_as(beheerder):
        for n in range(3):
            partner = PartnerFactory(name=f"Partner keten {n}")
            partner.name = f"Partner keten {n} hernoemd"
            partner.save()
    return list(AuditEntry.objects.order_by("chain_seq"))


def _tamper(sql, params=()):
    """What only someone with database superuser rights could do: switch off the trigger."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_every_entry_is_chained_to_the_previous_one(entries):
    assert [e.chain_seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash
        assert len(entry.entry_hash) == 64
    assert verify_audit_chain() is None
    call_command("verify_audit_chain")


def test_postgres_refuses_update_of_an_audit_entry(entries):
    with pytest.raises(DatabaseError, match="alleen aan te vullen"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE pga_auditentry SET object_repr = 'x' WHERE id = %s",
                       [entries[0].pk])


def test_postgres_refuses_delete_of_an_audit_entry(entries):
    with pytest.raises(DatabaseError, match="alleen aan te vullen"), transaction.atomic():
        AuditEntry.objects.filter(pk=entries[0].pk).delete()


def test_changed_actor_is_found_by_the_chain_check(entries, auditor):
    target = entries[2]
    _tamper("UPDATE pga_auditentry SET actor_id = %s WHERE id = %s", [auditor.pk, target.pk])
    assert verify_audit_chain() == (target.chain_seq, "inhoud gewijzigd")
    with pytest.raises(CommandError, match=f"eerste gebroken regel {target.chain_seq}"):
        call_command("verify_audit_chain")


def test_removed_entry_is_found_by_the_chain_check(entries):
    _tamper("DELETE FROM pga_auditentry WHERE id = %s", [entries[1].pk])
    assert verify_audit_chain() == (entries[2].chain_seq, "ontbrekende regel vóór deze")


def test_removed_last_entry_is_found_by_the_chain_check(entries):
    _tamper("DELETE FROM pga_auditentry WHERE id = %s", [entries[-1].pk])
    assert verify_audit_chain()[1] == "laatste regel(s) verwijderd"


# Every column of the entry: what a session with plain rights tries to change.
EVERY_COLUMN = [
    "changes = '{\"name\": [\"a\", \"b\"]}'::jsonb",
    "changes = NULL",
    "changes_text = 'x'",
    "additional_data = '{\"x\": 1}'::jsonb",
    "serialized_data = '{\"x\": 1}'::jsonb",
    "remote_addr = '10.9.8.7'",
    "remote_port = 1234",
    "object_repr = 'iets anders'",
    "object_pk = '999'",
    "object_id = 999",
    "actor_email = 'iemand@example.org'",
    "cid = 'ander-id'",
    "purpose = 'iets anders'",
    "action = 3",
    "weegploeg_id = 424242",
    "\"timestamp\" = \"timestamp\" + interval '1 second'",
]


@pytest.mark.parametrize("change", EVERY_COLUMN)
@pytest.mark.parametrize("scrub_flag", [False, True])
def test_postgres_refuses_a_raw_update_of_any_audit_column(entries, change, scrub_flag):
    """No exception remains, not even with the session flag the retention scrub once used."""
    changed = next(e for e in entries if e.changes)
    with pytest.raises(DatabaseError, match="alleen aan te vullen"), transaction.atomic(), \
            connection.cursor() as cursor:
        if scrub_flag:
            cursor.execute("SELECT set_config('pga.audit_scrub', 'on', true)")
        cursor.execute(f"UPDATE pga_auditentry SET {change} WHERE id = %s",  # noqa: S608
                       [changed.pk])


@pytest.mark.parametrize("change", EVERY_COLUMN)
def test_a_change_to_any_column_is_found_by_the_chain_check(entries, change):
    """The hash covers every column, so even someone who switches the triggers off cannot
    change a value unnoticed (only rebuild the whole chain: docs/adr/0005)."""
    changed = next(e for e in entries if e.changes)
    _tamper(f"UPDATE pga_auditentry SET {change} WHERE id = %s", [changed.pk])  # noqa: S608
    assert verify_audit_chain() == (changed.chain_seq, "inhoud gewijzigd")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(beheerder):
    errors = []

    def write(n):
        try:
            with acting_as(beheerder):
                for m in range(5):
                    PartnerFactory(name=f"Gelijktijdig {n}-{m}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert verify_audit_chain() is None


def test_a_transaction_of_many_entries_is_one_chain_with_the_head_at_its_tail(beheerder):
    """The head row is written once per statement (migration 0005), not per entry: a bulk
    insert and single inserts in one transaction still form one chain, and a rolled-back
    savepoint takes its entries and its part of the chain with it."""
    from django.contrib.contenttypes.models import ContentType

    from pga.models import AuditChainHead

    kind = ContentType.objects.get_for_model(Partner)

    def entry(n):
        return AuditEntry(content_type=kind, object_pk=str(n), object_id=n, object_repr="",
                          action=AuditEntry.Action.ACCESS, purpose="beheer")

    with transaction.atomic():
        AuditEntry.objects.bulk_create([entry(n) for n in range(300)])
        with acting_as(beheerder):
            PartnerFactory(name="Partner in dezelfde transactie")
        try:
            with transaction.atomic():
                AuditEntry.objects.bulk_create([entry(n) for n in range(5)])
                raise DatabaseError("teruggedraaid")
        except DatabaseError:
            pass
        AuditEntry.objects.bulk_create([entry(n) for n in range(3)])
    last = AuditEntry.objects.order_by("-chain_seq").first()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (last.chain_seq, last.entry_hash)
    assert AuditEntry.objects.count() == last.chain_seq
    assert verify_audit_chain() is None


def test_entries_made_together_go_into_the_log_in_one_statement_at_the_end(beheerder):
    """Inside `entries_together` every entry is made as usual — by django-auditlog, with the
    actor, partner and purpose of the moment — and all of them are written at the end of
    the block in one INSERT, in the order they were made, chained like any other."""
    from django.contrib.contenttypes.models import ContentType
    from django.test.utils import CaptureQueriesContext

    from pga.audit import entries_together, processing

    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as captured, transaction.atomic(), \
            acting_as(beheerder), processing("bewaartermijn"), entries_together():
        partners = [PartnerFactory(name=f"Partner samen {n}") for n in range(3)]
        assert AuditEntry.objects.count() == before  # not yet written
    inserts = [q for q in captured.captured_queries
               if q["sql"].startswith('INSERT INTO "pga_auditentry"')]
    assert len(inserts) == 1
    written = list(AuditEntry.objects.order_by("chain_seq")[before:])
    kind = ContentType.objects.get_for_model(Partner)
    assert [int(e.object_pk) for e in written if e.content_type_id == kind.pk] == [
        p.pk for p in partners]
    assert {(e.actor_id, e.partner_id, e.purpose) for e in written} == {
        (beheerder.pk, beheerder.partner_id, "bewaartermijn")}
    assert verify_audit_chain() is None


def test_entries_made_together_in_a_failing_block_are_not_written(beheerder):
    from pga.audit import entries_together

    before = AuditEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), acting_as(beheerder), \
            entries_together():
        PartnerFactory(name="Partner die niet blijft")
        raise DatabaseError("mislukt")
    assert AuditEntry.objects.count() == before
    # Outside the block an entry is written at once again.
    with acting_as(beheerder):
        PartnerFactory(name="Partner daarna")
    assert AuditEntry.objects.count() > before


def test_the_benchs_copy_of_the_hash_agrees_with_the_database(entries, beheerder):
    """`make bench` loads two million entries by COPY with the triggers off and computes
    their hashes in Python: that copy must give what the trigger gives."""
    from tests.bench.data import audit_entry_hash

    with acting_as(beheerder):
        PartnerFactory(name='Partner met "aanhalingstekens" en é')
    for entry in AuditEntry.objects.order_by("chain_seq").values():
        row = {name: value for name, value in entry.items() if value is not None}
        assert audit_entry_hash(entry["prev_hash"], row) == entry["entry_hash"], entry
