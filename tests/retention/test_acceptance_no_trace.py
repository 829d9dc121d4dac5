"""Acceptance of issue 15 ("no trace left"): the retention grep of issue 6 again, with the two
cases it found — a person merged away when the identity was completed, and an agenda item
taken off the agenda with the surname in its reasoning. After the nightly jobs under a faked
clock, neither `pg_dump --data-only`, nor the private storage, nor the table files of the
tables the purge touched hold any of the person's values; the tombstones are right and the
audit chain verifies."""

import datetime
import os
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from criteria.assessments import record_joint_assessment
from pga.audit import acting_as, verify_audit_chain
from pga.models import AuditEntry
from pga.tasks import clear_expired_login_data
from retention.clock import add_period
from retention.erasure import purged_tables
from retention.models import DeletedSignal
from retention.tasks import purge_expired_signals
from signals.models import Person, Signal
from signals.services import add_contribution, update_identity
from tests.criteria.factories import judgements
from tests.factories import legal_ground
from tests.pg_client import client_binary, libpq_args
from tests.retention.test_acceptance import storage_texts
from tests.signals.factories import person_fields, register, search_queue
from tests.weegploeg.factories import vote
from weegploeg.models import DecisionRecord, Outcome, SessionExport
from weegploeg.services import (
    add_to_agenda,
    plan_session,
    prepare_decision,
    remove_from_agenda,
)
from weegploeg.session_exports import request_session_export

FIRST_NAMES, SURNAME, MISSPELT, BSN = "Wobbeline", "Zeldenrijk", "Zeldenrijck", "123456782"
BORN = datetime.date(2002, 7, 14)
DESCRIPTION = "Hing bij de Kwakkelsluis affiches op van de Grauwe Horde."
TEXTS = [FIRST_NAMES, SURNAME, MISSPELT, BSN, "Kwakkelsluis", "Grauwe Horde"]
NEEDLES = [*TEXTS, BORN.isoformat()]


def found(text: str, needles=NEEDLES) -> list[str]:
    folded = text.casefold()
    return [needle for needle in needles if needle.casefold() in folded]


def data_dump() -> str:
    binary = client_binary("pg_dump")
    assert binary is not None, "geen pg_dump van de versie van de server"
    return subprocess.run(
        [binary, "--data-only", *libpq_args(connection.settings_dict["NAME"])],
        check=True, capture_output=True, text=True).stdout


def table_files(tables) -> dict[str, bytes]:
    """The files of the tables, their TOAST tables and all their indexes, after a checkpoint
    (so that what the buffers hold is on disk)."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SHOW data_directory")
        (root,) = cursor.fetchone()
        cursor.execute(
            """
            WITH t AS (SELECT oid, reltoastrelid FROM pg_class WHERE relname = ANY(%s))
            SELECT pg_relation_filepath(o) FROM (
                SELECT oid AS o FROM t
                UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0
                UNION SELECT indexrelid FROM pg_index
                 WHERE indrelid IN (SELECT oid FROM t UNION SELECT reltoastrelid FROM t)
            ) relations WHERE pg_relation_filepath(o) IS NOT NULL
            """,
            [list(tables)],
        )
        paths = [os.path.join(root, path) for (path,) in cursor.fetchall()]
    files = {}
    for path in paths:
        segment, n = path, 0
        while os.path.exists(segment):
            with open(segment, "rb") as handle:
                files[segment] = handle.read()
            n += 1
            segment = f"{path}.{n}"
    return files


def files_found(files: dict[str, bytes]) -> dict[str, list[str]]:
    result = {}
    for path, content in files.items():
        hits = [needle for needle in TEXTS if needle.encode() in content]
        if hits:
            result[path] = hits
    return result


def server_files_readable() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        (root,) = cursor.fetchone()
    return os.access(root, os.R_OK | os.X_OK)


@pytest.mark.django_db(transaction=True)
def test_after_the_nightly_jobs_nothing_of_a_merged_person_remains_anywhere(
    meldpunt, weegploeg, members, coordinator, login, settings, _private_storage
):
    settings.RETENTION_PURGE_ENABLED = True
    person = {"first_names": FIRST_NAMES, "date_of_birth": BORN,
              "municipality": weegploeg.gemeente}
    # -- signal A with the full identity and an attachment; signal B with a misspelt surname
    upload = SimpleUploadedFile("verslag.txt", f"{SURNAME} {BSN}: {DESCRIPTION}".encode())
    with acting_as(meldpunt):
        first = register(meldpunt, weegploeg=weegploeg, description=DESCRIPTION,
                         attachments=[(upload, "text/plain")],
                         person=person_fields(surname=SURNAME, bsn=BSN, **person))
        second = register(meldpunt, weegploeg=weegploeg,
                          person=person_fields(surname=MISSPELT, **person))
        merged_away = second.person_id
        # Case 1: completing B's identity merges its person into A's.
        update_identity(meldpunt, second, person_fields(surname=SURNAME, bsn=BSN, **person))
    second.refresh_from_db()
    assert second.person_id == first.person_id != merged_away
    with acting_as(members["politie"]):
        add_contribution(members["politie"], first, {
            "source": "Politieregistratie", "information_date": datetime.date(2026, 10, 1),
            "content": f"{SURNAME} eerder gezien bij de Kwakkelsluis.", "visibility": "weegploeg",
            "legal_ground": legal_ground(),
        })
    with acting_as(members["gemeente"]):
        record_joint_assessment(members["gemeente"], first, judgements(),
                                f"{FIRST_NAMES} {SURNAME} is zorgelijk maar niet acuut.")
    client = login(members["om"])
    assert search_queue(client, SURNAME).status_code == 200
    session = plan_session(coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1),
                           location="Stadhuis")
    with acting_as(coordinator):
        # Case 2: an item taken off the agenda, with the surname in its reasoning.
        removed = add_to_agenda(coordinator, session, first)
        prepare_decision(coordinator, removed, joint_reasoning=f"Eerst meer over {SURNAME}.")
        remove_from_agenda(coordinator, removed)
        items = [add_to_agenda(coordinator, session, signal) for signal in (first, second)]
        for item in items:
            prepare_decision(coordinator, item, joint_reasoning=f"Geen casusoverleg, {SURNAME}.")
    for item in items:
        for partner in ("gemeente", "politie", "om"):
            with acting_as(members[partner]):
                decision = vote(members[partner], item, Outcome.NO_CASUSOVERLEG,
                                     f"{FIRST_NAMES} {SURNAME}: geen aanleiding.")
        assert decision is not None
    request_session_export(coordinator, session)
    assert DecisionRecord.objects.filter(decision__signal__in=[first, second]).count() == 2
    assert SessionExport.objects.filter(session=session, status="done").exists()
    first.refresh_from_db()
    decided_on = timezone.localdate(decision.taken_at)

    # The checks see the data where it is now, so their silence afterwards means something.
    touched = [*purged_tables(), "django_session"]
    # (The misspelt surname went with the merged-away person: the log never held it.)
    assert set(found(data_dump())) == set(NEEDLES) - {MISSPELT}
    assert set(found("\n".join(storage_texts(_private_storage).values()))) >= {SURNAME, BSN}
    readable = server_files_readable()
    if readable:
        assert {SURNAME, BSN} <= {n for hits in files_found(table_files(touched)).values()
                                  for n in hits}

    # -- the nightly jobs, one year and a day later ------------------------------------------
    purge_day = add_period(decided_on, 1, "years") + datetime.timedelta(days=1)
    night = timezone.make_aware(datetime.datetime.combine(purge_day, datetime.time(2, 0)))
    with freeze_time(night):
        purge_expired_signals.delay()
    with freeze_time(night + datetime.timedelta(hours=1, minutes=30)):
        clear_expired_login_data.delay()

    assert not Signal.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not Person.objects.filter(pk__in=[first.person_id, merged_away]).exists()
    tombstones = DeletedSignal.objects.filter(signal_id__in=[first.pk, second.pk])
    assert {(t.reference, t.outcome, t.decided_on, t.weegploeg_id) for t in tombstones} == {
        (signal.reference, Outcome.NO_CASUSOVERLEG, decided_on, weegploeg.pk)
        for signal in (first, second)}
    assert all(t.pending_files == [] for t in tombstones)

    dump = data_dump()
    assert [line[:300] for line in dump.splitlines() if found(line)] == []
    leftovers = {name: found(text) for name, text in storage_texts(_private_storage).items()}
    assert not any(leftovers.values()), leftovers
    # The audit log keeps who did what to the merged-away person, without the values.
    merged_entries = AuditEntry.objects.filter(content_type__model="person",
                                               object_pk=str(merged_away))
    assert {e.action for e in merged_entries} >= {AuditEntry.Action.CREATE,
                                                  AuditEntry.Action.DELETE}
    assert verify_audit_chain() is None
    if not readable:
        pytest.skip("De bestanden van de databaseserver zijn hier niet te lezen; de rest is "
                    "gecontroleerd.")
    assert files_found(table_files(touched)) == {}
