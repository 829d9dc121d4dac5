"""Acceptance of issue 6 (docs/design.md §3 rule 8): a signal decided "geen casusoverleg" is
purged one year and a day later by the nightly task, after which neither the database — every
table, the audit log included — nor the file storage holds the person's name, BSN or the
description; the tombstone is there, and the audit log still says who did what when."""

import datetime
import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader

from criteria.assessments import record_joint_assessment
from pga.audit import WITHHELD, acting_as, verify_audit_chain
from pga.models import AuditEntry
from retention.clock import add_period
from retention.models import DeletedSignal
from retention.tasks import purge_expired_signals
from signals.models import Person, Signal
from signals.services import add_contribution
from tests.criteria.factories import judgements
from tests.factories import legal_ground
from tests.pg_client import client_binary, libpq_args
from tests.signals.factories import person_fields, register, search_queue
from tests.weegploeg.factories import vote
from weegploeg.models import DecisionRecord, Outcome, SessionExport
from weegploeg.services import add_to_agenda, plan_session, prepare_decision
from weegploeg.session_exports import request_session_export

FIRST_NAMES, SURNAME, BSN = "Xandrijn", "Qwerthuis", "123456782"
DESCRIPTION = ("Zwaaide bij de Oostpoortbrug met de vlag van de Zwarte Dageraad en riep "
               "voorbijgangers op tot geweld.")
NEEDLES = [FIRST_NAMES, SURNAME, BSN, "Oostpoortbrug", "Zwarte Dageraad"]


def sql_dump() -> str:
    """Every row of every table in the database, as text."""
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        tables = cursor.fetchall()
        for schema, table in tables:
            cursor.execute(f'SELECT t::text FROM "{schema}"."{table}" AS t')  # noqa: S608
            rows.extend(f"{table}: {row}" for (row,) in cursor.fetchall())
    assert len(tables) > 40
    return "\n".join(rows)


def pg_dump() -> str | None:
    """`pg_dump` of the test database (schema and data), when a matching client exists."""
    import subprocess

    binary = client_binary("pg_dump")
    if binary is None:
        return None
    return subprocess.run([binary, *libpq_args(connection.settings_dict["NAME"])],
                          check=True, capture_output=True, text=True).stdout


def storage_texts(root) -> dict[str, str]:
    """Every stored file as searchable text: raw bytes, PDF text, ZIP members."""
    texts = {}
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes()
        parts = [content.decode("utf-8", "ignore")]
        if content.startswith(b"%PDF"):
            parts += [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    member = archive.read(name)
                    parts.append(name)
                    parts += [page.extract_text()
                              for page in PdfReader(io.BytesIO(member)).pages]
        texts[str(path.relative_to(root))] = "\n".join(parts)
    return texts


def found(text: str) -> list[str]:
    folded = text.casefold()
    return [needle for needle in NEEDLES if needle.casefold() in folded]


@pytest.mark.django_db(transaction=True)
def test_a_decided_signal_is_purged_after_a_year_leaving_only_a_tombstone_and_who_did_what(
    meldpunt, weegploeg, members, coordinator, login, client, settings, _private_storage
):
    settings.RETENTION_PURGE_ENABLED = True
    # -- the dossier: registration with an attachment, a contribution, the joint weging ------
    content = f"Verslag over {FIRST_NAMES} {SURNAME} (BSN {BSN}): {DESCRIPTION}"
    upload = SimpleUploadedFile(f"verslag-{SURNAME}.txt", content.encode())
    # Services are called as a request would: with the acting user attributed in the log.
    with acting_as(meldpunt):
        signal = register(
            meldpunt, weegploeg=weegploeg, description=DESCRIPTION,
            reporter_name="Petra Meldster", attachments=[(upload, "text/plain")],
            person=person_fields(first_names=FIRST_NAMES, surname=SURNAME, bsn=BSN,
                                 address="Dorpsstraat 1", municipality=weegploeg.gemeente),
        )
    with acting_as(members["politie"]):
        add_contribution(members["politie"], signal, {
            "source": "Politieregistratie", "information_date": datetime.date(2026, 10, 1),
            "content": f"{SURNAME} is eerder gezien bij de Oostpoortbrug.",
            "visibility": "own_partner",
            "legal_ground": legal_ground(),
        })
    with acting_as(members["gemeente"]):
        record_joint_assessment(members["gemeente"], signal, judgements(),
                                f"{FIRST_NAMES} {SURNAME} is zorgelijk maar niet acuut.")
    # -- reads of the dossier, and a search by name --------------------------------------
    member_client = login(members["om"])
    assert member_client.get(reverse("signals:detail", args=[signal.pk])).status_code == 200
    assert search_queue(member_client, SURNAME).status_code == 200
    # -- the decision: three votes "geen casusoverleg", the record PDF, a session export ----
    session = plan_session(coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1),
                           location="Stadhuis")
    item = add_to_agenda(coordinator, session, signal)
    prepare_decision(coordinator, item, joint_reasoning=f"Geen casusoverleg voor {SURNAME}.")
    for partner in ("gemeente", "politie", "om"):
        with acting_as(members[partner]):
            decision = vote(members[partner], item, Outcome.NO_CASUSOVERLEG,
                                 f"{FIRST_NAMES} {SURNAME}: geen aanleiding voor casusoverleg.")
    assert decision is not None
    request_session_export(coordinator, session)
    assert DecisionRecord.objects.filter(decision=decision).exists()
    assert SessionExport.objects.filter(session=session, status="done").exists()
    signal.refresh_from_db()
    decided_on = timezone.localdate(decision.taken_at)
    assert signal.deletion_due == add_period(decided_on, 1, "years")

    # The checks below can see the data where it is (so their silence later means something).
    assert set(found(sql_dump())) == set(NEEDLES)
    stored = "\n".join(storage_texts(_private_storage).values())
    assert set(found(stored)) == set(NEEDLES)

    # -- one year and a day later, the nightly task ------------------------------------------
    purge_day = add_period(decided_on, 1, "years") + datetime.timedelta(days=1)
    with freeze_time(timezone.make_aware(datetime.datetime.combine(purge_day,
                                                                   datetime.time(2, 0)))):
        purge_expired_signals.delay()

    assert not Signal.objects.filter(pk=signal.pk).exists()
    assert not Person.objects.filter(pk=signal.person_id).exists()
    # No table holds the name, the BSN or the description; nor does the storage.
    assert [line[:300] for line in sql_dump().splitlines() if found(line)] == []
    dump = pg_dump()
    if dump is not None:
        assert found(dump) == []
    leftovers = {name: found(text) for name, text in storage_texts(_private_storage).items()}
    assert not any(leftovers.values()), leftovers

    tombstone = DeletedSignal.objects.get(reference=signal.reference)
    assert tombstone.signal_id == signal.pk
    assert tombstone.weegploeg == weegploeg
    assert tombstone.outcome == Outcome.NO_CASUSOVERLEG
    assert tombstone.decided_on == decided_on
    assert tombstone.received_on == signal.received_on
    assert tombstone.phenomenon == signal.phenomenon
    assert tombstone.pending_files == []
    assert tombstone.purge_run is not None

    # The audit log still says who did what when; it never held the values.
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Signal), object_pk=str(signal.pk)
    )
    created = entries.get(action=AuditEntry.Action.CREATE)
    assert created.actor == meldpunt
    assert created.partner == meldpunt.partner
    assert created.timestamp is not None
    assert set(created.changes) >= {"description", "reporter_name"}
    assert created.changes["description"] == [WITHHELD, WITHHELD]
    assert created.changes["reporter_name"] == [WITHHELD, WITHHELD]
    assert created.weegploeg == weegploeg
    read = entries.filter(action=AuditEntry.Action.ACCESS, actor=members["om"])
    assert read.exists()
    assert read.first().partner == members["om"].partner
    assert entries.filter(action=AuditEntry.Action.DELETE, purpose="bewaartermijn").exists()
    votes = AuditEntry.objects.filter(content_type__model="vote", actor=members["politie"])
    assert votes.filter(action=AuditEntry.Action.CREATE).exists()
    assert verify_audit_chain() is None
