"""The session export (docs/design.md §3 rule 6; issue 5): one ZIP of the latest record of
every current (not corrected) decision of a session, asked for by the coordinator of the
session's weegploeg and built in the background, with its progress stored on the row so a
page can show it. A finished export is not rebuilt; a failed one leaves no file.

Stored file names and log lines carry database ids only, never personal data.
"""

import hashlib
import io
import logging
import uuid
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.background import enqueue
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from weegploeg.models import Decision, ExportStatus, Session, SessionExport
from weegploeg.records import create_decision_record, read_record
from weegploeg.roles import require_coordinator
from weegploeg.tasks import build_session_export_task

logger = logging.getLogger(__name__)


def request_session_export(user, session: Session) -> SessionExport:
    """The coordinator of the session's weegploeg asks for a ZIP of all decision records of
    the session; it is built in the background once this transaction commits."""
    with transaction.atomic(), processing(ProcessingActivity.DECISION):
        session = Session.objects.select_related("weegploeg").get(pk=session.pk)
        require_coordinator(user, session.weegploeg)
        if not Decision.objects.filter(item__session=session).exists():
            raise RuleViolation(_("In dit overleg zijn nog geen besluiten genomen."))
        export = SessionExport.objects.create(session=session, requested_by=user)
        # Sent on commit; with the broker down it is built in this request rather than
        # left waiting for ever.
        enqueue(build_session_export_task, export.pk, run_inline_if_unreachable=True)
    return export


def _current_decisions_of(session_id):
    # Not of a dossier transferred to another weegploeg since (rule 10): it left with it.
    return (
        Decision.objects.filter(item__session_id=session_id, correction__isnull=True,
                                signal__weegploeg=F("item__session__weegploeg"))
        .select_related("signal", "item")
        .order_by("item__position", "taken_at", "pk")
    )


def build_session_export(export: SessionExport) -> SessionExport:
    """Build the ZIP: the latest record of every current (not corrected) decision of the
    session, generating missing records. Progress (`done_count` of `total`) is saved after
    each record — outside a transaction each save commits, so a page can show it. A finished
    export is not rebuilt."""
    export = SessionExport.objects.get(pk=export.pk)
    if export.status == ExportStatus.DONE:
        return export
    decisions = list(_current_decisions_of(export.session_id))
    export.status, export.total, export.done_count = ExportStatus.RUNNING, len(decisions), 0
    export.save(update_fields=["status", "total", "done_count"])
    name = None
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, decision in enumerate(decisions, start=1):
                record = create_decision_record(decision)
                archive.writestr(
                    f"{decision.item.position:02d}-{decision.signal.reference}"
                    f"-besluit-{decision.pk}-v{record.version}.pdf",
                    read_record(record),
                )
                export.done_count = done
                export.save(update_fields=["done_count"])
        content = buffer.getvalue()
        name = default_storage.save(
            f"exports/overleg-{export.session_id}/{uuid.uuid4().hex}.zip", ContentFile(content)
        )
        export.file, export.sha256 = name, hashlib.sha256(content).hexdigest()
        export.status = ExportStatus.DONE
        export.save(update_fields=["file", "sha256", "status"])
    except Exception:
        if name:
            default_storage.delete(name)
        export.status = ExportStatus.FAILED
        export.save(update_fields=["status"])
        # No traceback here: its messages may quote data; the task's failure is logged by
        # Celery where the operators look.
        logger.error("Export %s van overleg %s mislukt", export.pk, export.session_id)
        raise
    logger.info("Export %s van overleg %s klaar (%s besluiten)", export.pk,
                export.session_id, export.total)
    return export


def discard_exports_of_transferred(signal, from_weegploeg_id: int) -> int:
    """Subscribed to `signals.lifecycle.transferred` (rule 10): the sending weegploeg keeps
    no ZIP that holds the transferred dossier's records — the exports of its sessions with
    the signal on the agenda go (each deletion audited), their files after the commit."""
    exports = list(SessionExport.objects.filter(session__weegploeg_id=from_weegploeg_id,
                                                session__items__signal=signal).distinct())
    names = [export.file.name for export in exports if export.file]
    for export in exports:
        export.delete()
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return len(exports)
