"""Stored decision records (docs/design.md §3 rule 6; issue 5).

- Each decision gets its record once: a task that runs twice stores one file.
- A record is stored in private storage (outside the web root) with its SHA-256 and size,
  and never overwritten: a new rendering is a new version, asked for by the coordinator of
  the session's weegploeg and made in the background.
- A stored record is served only when its bytes still match the SHA-256 stored with it;
  otherwise the refusal is audited and logged, and nothing is served.

What a record shows and how it is rendered is `weegploeg.record_content`. Stored file names
and log lines carry database ids only, never personal data.
"""

import hashlib
import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from pga.audit import current_actor, processing, record_access
from pga.background import enqueue
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from pga.storage import read_verified
from weegploeg.models import Decision, DecisionRecord
from weegploeg.record_content import render_decision_record
from weegploeg.roles import require_coordinator
from weegploeg.tasks import generate_record_version

logger = logging.getLogger(__name__)


def latest_record(decision: Decision) -> DecisionRecord | None:
    return decision.records.order_by("-version").first()


class TamperedRecord(RuleViolation):
    """A stored decision record whose bytes no longer match the SHA-256 stored with it."""


def read_record(record: DecisionRecord) -> bytes:
    """The stored PDF, checked against the SHA-256 stored with it (rule 6: a record is
    stored with its hash and never overwritten). A file that is missing or does not match
    is never served: the refusal is written to the audit log (for the acting user, with the
    reason) and to the operators' log, and the user gets a Dutch message (TamperedRecord)."""
    content = read_verified(record.file, record.sha256)
    if content is None:
        logger.error("Besluitverslag %s: het bestand ontbreekt of de controlesom klopt niet",
                     record.pk)
        record_access(current_actor(), record, purpose=ProcessingActivity.DECISION,
                      detail={"geweigerd": "controlesom van het bestand klopt niet"})
        raise TamperedRecord(_(
            "Het opgeslagen besluitverslag (versie %(version)s) is beschadigd of gewijzigd: de "
            "controlesom klopt niet. Het wordt niet geleverd. Meld dit bij de functioneel "
            "beheerder; de procesregisseur kan een nieuwe versie laten maken."
        ) % {"version": record.version})
    return content


def _store_locked(decision: Decision, version: int, content: bytes, written: list[str]):
    """Write the file, then insert its row; the caller holds the decision's row lock and
    deletes the files in `written` when its transaction fails."""
    name = default_storage.save(
        f"besluitverslagen/{decision.pk}/v{version}-{uuid.uuid4().hex}.pdf", ContentFile(content)
    )
    written.append(name)
    record = DecisionRecord.objects.create(
        decision=decision, version=version, file=name,
        sha256=hashlib.sha256(content).hexdigest(), size=len(content),
    )
    logger.info("Besluitverslag opgeslagen: besluit %s versie %s", decision.pk, version)
    return record


def _locked_insert(decision: Decision, make):
    """Run `make(written)` in a transaction holding the decision's row lock (Decision rows
    are locked, never updated: the table refuses UPDATE), so two workers never both insert;
    a file written for a failed transaction is deleted again."""
    written: list[str] = []
    try:
        with transaction.atomic(), processing(ProcessingActivity.DECISION):
            Decision.objects.select_for_update().filter(pk=decision.pk).exists()
            return make(written)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def create_decision_record(decision: Decision) -> DecisionRecord:
    """Rule 6: the decision's record, made once. Idempotent — when a record exists the
    latest is returned, so a task that runs twice (acks_late, a retry) stores one file.
    Rendering happens before the lock; the file is written only once it is certain that the
    row will be inserted."""
    existing = latest_record(decision)
    if existing is not None:
        return existing
    content = render_decision_record(decision, version=1)

    def make(written):
        return latest_record(decision) or _store_locked(decision, 1, content, written)

    return _locked_insert(decision, make)


def request_record_version(user, decision: Decision) -> int:
    """A new version of the record, asked for by the coordinator of the session's weegploeg
    (e.g. after a template fix), made in the background once this transaction commits:
    rendering a long record takes seconds. Records are never overwritten (rule 6): earlier
    versions and their files stay. Returns the number of the version that will be made."""
    decision = Decision.objects.select_related("item__session__weegploeg").get(pk=decision.pk)
    require_coordinator(user, decision.item.session.weegploeg)
    version = (decision.records.aggregate(last=Max("version"))["last"] or 0) + 1
    enqueue(generate_record_version, decision.pk, version)
    return version


def create_record_version(decision: Decision, version: int) -> DecisionRecord:
    """Version `version` of the decision's record, unless it (or a later one) exists already:
    a task that runs twice stores one file, and two requests for "the next version" made at
    the same moment give one."""
    def newest():
        return decision.records.filter(version__gte=version).order_by("-version").first()

    if (existing := newest()) is not None:
        return existing
    content = render_decision_record(decision, version=version)

    def make(written):
        return newest() or _store_locked(decision, version, content, written)

    return _locked_insert(decision, make)
