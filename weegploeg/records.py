"""Decision records, session exports and the hand-over to the casusoverleg (docs/design.md §3
rule 6, §4 "PDFs"; issue 5).

- Each decision produces a decision record: a PDF/A for archiving, rendered by WeasyPrint
  from `templates/weegploeg/records/decision_record.html` with the fonts bundled in
  `static/fonts/` and no network fetches (`pga.pdf`). It is stored in private
  storage (outside the web root) with its SHA-256 and size, and never overwritten: a new
  rendering is a new version.
- A session export is a ZIP of the latest record of every current decision of a session,
  built in the background with its progress stored on the row.
- The hand-over gives the casusoverleg's file the signal, the assessment and the decision
  (JSON and the record PDF) — without the reporter's identity, which the casusoverleg does
  not need (data minimisation, AVG art. 5(1)(c)).

Stored file names and log lines carry database ids only, never personal data.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import logging
import uuid
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from criteria.models import Assessment
from criteria.selectors import latest_joint_assessment
from pga.audit import current_actor, processing, record_access
from pga.background import enqueue
from pga.models import ProcessingActivity
from pga.pdf import render_pdf
from pga.services import RuleViolation
from signals.models import Phenomenon, SourceCategory
from weegploeg.models import (
    CaseParty,
    Decision,
    DecisionRecord,
    ExportStatus,
    Outcome,
    Referral,
    Session,
    SessionExport,
)
from weegploeg.services import require_coordinator
from weegploeg.tasks import build_session_export_task, generate_record_version

logger = logging.getLogger(__name__)

TEMPLATE = "weegploeg/records/decision_record.html"


# -- what a record shows ------------------------------------------------------------------


@dataclasses.dataclass
class RecordFacts:
    """Everything the decision record and the hand-over show of one decision."""

    decision: Decision
    assessment: Assessment | None
    criteria: list  # (criterion, judgement or None) per criterion of its framework version
    votes: list
    invited_parties: list[str]
    deletion_due: datetime.date | None

    @property
    def signal(self):
        return self.decision.signal

    @property
    def person(self):
        return self.decision.signal.person


def assessment_at_decision(decision: Decision) -> Assessment | None:
    """The joint assessment the decision was taken on: the current one, or — when the signal
    was re-assessed after the decision (e.g. after nadere duiding) — the one in force at the
    time, found by following the chain of superseded assessments back. So a record rendered
    again later still shows what the weegploeg weighed."""
    assessment = latest_joint_assessment(decision.signal)
    while assessment is not None and assessment.created_at > decision.taken_at:
        assessment = assessment.supersedes
    return assessment


def record_facts(decision: Decision) -> RecordFacts:
    """What the record shows, read fresh from the database (the caller's instance may be
    stale), labels resolved in the active language."""
    decision = Decision.objects.select_related(
        "signal__person__municipality", "signal__weegploeg", "item__session", "corrects",
        "recorded_by",
    ).get(pk=decision.pk)
    assessment = assessment_at_decision(decision)
    parties = [str(CaseParty(code).label) for code in decision.invited_parties
               if code != CaseParty.OTHER]
    if CaseParty.OTHER in decision.invited_parties:
        parties.append(decision.other_party or str(CaseParty.OTHER.label))
    return RecordFacts(
        decision=decision,
        assessment=assessment,
        criteria=assessment.judgement_rows() if assessment else [],
        votes=list(
            decision.item.votes.select_related("partner", "voter").order_by("cast_at", "pk")
        ),
        invited_parties=parties,
        # Stored on the signal when the retention clock starts (rule 8); None before.
        deletion_due=decision.signal.deletion_due,
    )


def render_decision_record(decision: Decision, *, version: int | None = None) -> bytes:
    """The decision record as PDF/A bytes (rule 6): signal summary, the joint assessment per
    criterion with its conclusion (no totals: rule 3), each partner's vote with name, time
    and motivation, the outcome and its reasoning, the parties invited or the referral, a
    correction note and the retention date. Always in Dutch, the language of the record."""
    generated_at = timezone.localtime().replace(microsecond=0)
    with translation.override(settings.LANGUAGE_CODE):
        facts = record_facts(decision)
        return render_pdf(TEMPLATE, {
            "facts": facts,
            "version": version,
            "generated_at": generated_at,
            # W3C date for the PDF's creation date (Info and XMP, kept equal as PDF/A asks).
            "created_w3c": generated_at.isoformat(),
            "outcome": Outcome,
            "referral_label": str(Referral(decision.referral).label) if decision.referral
            else "",
        }, footer=_("Besluitverslag %(reference)s") % {"reference": facts.signal.reference})


# -- storing records ----------------------------------------------------------------------


def latest_record(decision: Decision) -> DecisionRecord | None:
    return decision.records.order_by("-version").first()


class TamperedRecord(RuleViolation):
    """A stored decision record whose bytes no longer match the SHA-256 stored with it."""


def read_record(record: DecisionRecord) -> bytes:
    """The stored PDF, checked against the SHA-256 stored with it (rule 6: a record is
    stored with its hash and never overwritten). A file that is missing or does not match
    is never served: the refusal is written to the audit log (for the acting user, with the
    reason) and to the operators' log, and the user gets a Dutch message (TamperedRecord)."""
    try:
        with record.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        content = None
    if content is None or hashlib.sha256(content).hexdigest() != record.sha256:
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


# -- the session export -------------------------------------------------------------------


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
    return (
        Decision.objects.filter(item__session_id=session_id, correction__isnull=True)
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


# -- hand-over to the casusoverleg --------------------------------------------------------


def _choice(choices, code):
    return {"code": code, "label": str(choices(code).label)} if code else None


def _iso(value):
    return value.isoformat() if value else None


def handover_json(decision: Decision) -> dict:
    """Issue 5: the export of signal, assessment and decision for the casusoverleg's file.
    Only for a current casusoverleg decision. It holds the person's identity and what the
    weegploeg weighed, never the reporter's identity (name, organisation, contact): the
    casusoverleg does not need it and the reporter is protected (data minimisation)."""
    facts = record_facts(decision)
    decision, signal, person = facts.decision, facts.signal, facts.person
    if decision.outcome != Outcome.CASUSOVERLEG:
        raise RuleViolation(_("Een overdracht is er alleen bij een besluit tot casusoverleg."))
    if not decision.is_current:
        raise RuleViolation(_("Dit besluit is gecorrigeerd; maak de overdracht van het laatste "
                              "besluit."))
    assessment = facts.assessment
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "format": "weegploeg-overdracht",
            "format_version": 1,
            "created_at": timezone.now().isoformat(),
            "signal": {
                "reference": signal.reference,
                "weegploeg": signal.weegploeg.name,
                "received_on": _iso(signal.received_on),
                "behaviour_from": _iso(signal.behaviour_from),
                "behaviour_to": _iso(signal.behaviour_to),
                "source_category": _choice(SourceCategory, signal.source_category),
                "phenomenon": _choice(Phenomenon, signal.phenomenon),
                "description": signal.description,
            },
            "person": {
                "first_names": person.first_names,
                "surname_prefix": person.surname_prefix,
                "surname": person.surname,
                "date_of_birth": _iso(person.date_of_birth),
                "bsn": person.bsn,
                "municipality": person.municipality.name if person.municipality else None,
            },
            "assessment": None if assessment is None else {
                "framework_version": assessment.framework.version,
                "recorded_at": _iso(assessment.created_at),
                "criteria": [
                    {
                        "number": criterion.number,
                        "title": criterion.title,
                        "judgement": judgement.scale_value.label if judgement else None,
                        "substantiation": judgement.substantiation if judgement else "",
                        "source": judgement.source if judgement else "",
                        "source_partner": judgement.source_partner.name
                        if judgement and judgement.source_partner else None,
                    }
                    for criterion, judgement in facts.criteria
                ],
                "conclusion": assessment.conclusion,
            },
            "decision": {
                "id": decision.pk,
                "outcome": _choice(Outcome, decision.outcome),
                "taken_at": _iso(decision.taken_at),
                "reasoning": decision.reasoning,
                "invited_parties": [_choice(CaseParty, code) for code in decision.invited_parties],
                "other_party": decision.other_party,
                "corrects": decision.corrects_id,
                "correction_reason": decision.correction_reason,
            },
            "votes": [
                {
                    "partner": vote.partner.name,
                    "voter": vote.voter.full_name,
                    "outcome": _choice(Outcome, vote.outcome),
                    "motivation": vote.motivation,
                    "cast_at": _iso(vote.cast_at),
                }
                for vote in facts.votes
            ],
        }


def handover_zip(decision: Decision) -> bytes:
    """The hand-over as one ZIP: `overdracht.json` and the decision record PDF (made now if
    the background task has not made it yet). Refused unless the decision is a current
    casusoverleg decision (see `handover_json`)."""
    data = handover_json(decision)
    record = create_decision_record(decision)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "overdracht.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        )
        archive.writestr(f"besluitverslag-v{record.version}.pdf", read_record(record))
    return buffer.getvalue()
