"""Gone from storage and from the table files too (docs/adr/0004, 6a and 7): the stored
files of what the purge deletes are noted during its transaction and removed after the
commit (a run killed before that leaves their names on the tombstones for the next run),
and after a run the tables it deleted from are rewritten (`rewrite_purged_tables`, VACUUM
FULL), so that the deleted values are gone from the files, not only from the visible rows.
"""

import contextlib
import contextvars
import logging

from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from pga.audit import processing
from pga.models import ProcessingActivity
from retention.models import (
    DeletedSignal,
    LegalHold,
    SubjectRequest,
)
from signals.models import Person, Signal
from weegploeg.models import SessionExport

logger = logging.getLogger(__name__)


# The stored files of what the running purge deletes (`noting_files`), as (signal id or
# None, name), noted by `note_deleted_files`, a post_delete receiver of every model with a
# FileField (connected in `RetentionConfig.ready`).
_deleted_files = contextvars.ContextVar("retention_deleted_files", default=None)


@contextlib.contextmanager
def noting_files():
    files: list[tuple] = []
    token = _deleted_files.set(files)
    try:
        yield files
    finally:
        _deleted_files.reset(token)


def note_deleted_files(sender, instance, **kwargs) -> None:
    """During a purge: note the stored files of a deleted object, to remove after the
    commit (docs/adr/0004, 7)."""
    files = _deleted_files.get()
    if files is not None:
        owner = getattr(instance, "signal_id", None)
        files.extend((owner, name) for name in
                     (getattr(instance, f).name for f in file_fields(sender)) if name)


def file_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def remove_pending_files(tombstone_id: int) -> int:
    """Remove the stored files of a purged signal (idempotent: a file already gone is fine)
    and clear the list on the tombstone."""
    with transaction.atomic(), processing(ProcessingActivity.RETENTION):
        tombstone = DeletedSignal.objects.select_for_update().filter(pk=tombstone_id).first()
        if tombstone is None or not tombstone.pending_files:
            return 0
        for name in tombstone.pending_files:
            default_storage.delete(name)
        removed = len(tombstone.pending_files)
        tombstone.pending_files = []
        tombstone.save(update_fields=["pending_files"])
    return removed


def complete_file_removals() -> int:
    """Finish what an interrupted run left: files of purged signals still in storage."""
    pending = DeletedSignal.objects.exclude(pending_files=[]).values_list("pk", flat=True)
    return sum(1 for pk in list(pending) if remove_pending_files(pk))


# Tables the purge deletes from (or empties a text in) that are not reached by the cascade
# from a signal or a person.
PURGE_ROOTS = (Signal, Person, SubjectRequest, SessionExport, LegalHold)


def purged_tables() -> list[str]:
    """The tables that held what the purge deletes: the roots and every model reached from
    them by a cascading or nulling foreign key (so a model added later is included)."""
    seen, todo = set(), list(PURGE_ROOTS)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        todo.extend(rel.related_model for rel in model._meta.related_objects
                    if rel.on_delete in (models.CASCADE, models.SET_NULL))
    return sorted({model._meta.db_table for model in seen if model._meta.managed})


# How long the rewrite waits for transactions older than it to end (seconds, one check each).
REWRITE_WAIT_SECONDS = 600


def rewrite_purged_tables(run_id: int | None = None) -> list[str]:
    """Physical erasure (docs/adr/0004, 6a): a deleted row stays in the table's files (and
    its indexes) until the table is rewritten. After a run that purged something, rewrite
    the tables it deleted from with VACUUM FULL (which takes each table's exclusive lock in
    turn, at night).

    VACUUM FULL copies a deleted row along as long as a transaction that began before the
    delete still runs — in any database of the server, because every snapshot reaches back
    to the oldest running transaction. So it first waits (up to REWRITE_WAIT_SECONDS) until
    every transaction older than itself has ended; if one still runs then, it rewrites
    anyway and says so in the log. VACUUM cannot run inside a transaction; called inside one
    (a test), it does nothing and the next run rewrites. Returns the tables rewritten."""
    import time

    if run_id is not None and not DeletedSignal.objects.filter(purge_run_id=run_id).exists():
        return []
    if not transaction.get_autocommit():
        logger.warning("Herschrijven van de tabellen na vernietiging overgeslagen: "
                       "binnen een transactie")
        return []
    tables = purged_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text")
        (horizon,) = cursor.fetchone()
        for _attempt in range(REWRITE_WAIT_SECONDS):
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot()) > %s::xid8",
                           [horizon])
            if cursor.fetchone()[0]:
                break
            time.sleep(1)
        else:
            logger.warning("Een transactie van vóór de vernietiging liep na %s s nog; de "
                           "tabellen worden toch herschreven, maar kunnen de verwijderde "
                           "rijen nog bevatten tot de volgende run", REWRITE_WAIT_SECONDS)
        for table in tables:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {connection.ops.quote_name(table)}")
    logger.info("Na vernietiging %s tabellen herschreven", len(tables))
    return tables
