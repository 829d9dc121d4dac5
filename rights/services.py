"""The person's rights under the AVG: the inzageverzoek (art. 15) and the recording of
rectification and erasure requests with their handling (art. 16, 17).

- The functioneel beheerder or the functionaris gegevensbescherming finds the person. The
  search states its purpose and the request's case number, and is audited with the kind of
  search, never the query nor a hash of it (as `signals.views.queue` does).
- Partner isolation (docs/design.md §4.2) holds here too: the officer of a partner sees the persons
  with a signal in the weegploegen that partner takes part in, and of them only those
  signals; any other person does not exist for them (404).
- The export holds everything the system keeps about the person there — signals,
  contributions, assessments, votes, decisions, the notification, requests — and who
  processed their data when (from the audit log), as JSON and as PDF/A. The reporter's
  identity is withheld unless explicitly included: the melder is protected (AVG art. 15(4),
  art. 23(1)(i)). Information a partner marked "own organisation only" (e.g. a running
  criminal investigation) keeps its content with that partner: the export says that it
  exists and whose it is, so the request can be passed on to that partner to weigh.
- The export is built in the background (issue 16 point 5: rendering the PDF of a large
  dossier takes seconds): the request is audited and stored as a `SubjectAccessExport`,
  a Celery task builds its file, the requester's page shows its state. The file is
  removed after its download, after SUBJECT_EXPORT_KEEP_HOURS, and with the data it holds
  (see "removing exports" below).
"""

import datetime
import functools
import hashlib
import json
import logging
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.models import Assessment, AssessmentKind
from pga.audit import processing, record_access
from pga.authz import check_role, weegploegen_of
from pga.background import enqueue
from pga.models import AuditEntry, ProcessingActivity
from pga.pdf import render_pdf
from pga.services import RuleViolation
from pga.storage import read_verified
from retention.models import (
    LegalHold,
    Notification,
    RetentionBasis,
    SubjectRequest,
    SubjectRequestKind,
    SubjectRequestStatus,
)
from rights.models import RIGHTS_ROLES, AccessPurpose, ExportFormat, SubjectAccessExport
from rights.tasks import build_subject_export_task
from signals.models import Attachment, Contribution, Person, Signal, Transfer
from signals.services import normalise_name
from weegploeg.models import (
    AgendaItem,
    Decision,
    DecisionRecord,
    DriehoekOutcome,
    Escalation,
    ExportStatus,
    FollowUp,
    FollowUpKind,
    InformationRequest,
    ReferralResult,
    Reweighing,
    ReweighingReason,
    Vote,
)

logger = logging.getLogger(__name__)

SEARCH_LIMIT = 50


RIGHTS_ONLY = gettext_lazy("Alleen de functioneel beheerder en de functionaris "
                           "gegevensbescherming behandelen verzoeken van betrokkenen.")


def _signals_in_scope(user):
    return Signal.objects.filter(weegploeg__in=weegploegen_of(user))


def persons_in_scope(user):
    """The persons of the weegploegen of the user's partner (`Person.objects.visible_to`)."""
    return Person.objects.visible_to(user)


def search_persons(user, *, purpose: str, case_number: str, bsn: str = "", name: str = "",
                   date_of_birth: datetime.date | None = None):
    """Find a person by BSN, or by name (with date of birth, if known). The search itself
    is an audited processing: its purpose, the case number and the kind of search are
    logged; the query is not, nor anything derived from it (a keyed hash of a BSN can be
    reversed by trying all BSNs, and the log outlives the persons it could point to)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    case_number = (case_number or "").strip()
    if purpose not in AccessPurpose.values:
        raise RuleViolation(_("Kies het doel van de zoekopdracht."), field="purpose")
    if not case_number:
        raise RuleViolation(_("Vul het kenmerk van het verzoek in."), field="case_number")
    bsn, name = (bsn or "").strip(), (name or "").strip()
    persons = persons_in_scope(user)
    if bsn:
        persons, kind = persons.filter(bsn=bsn), "bsn"
    elif name:
        key = normalise_name(name)
        persons = persons.filter(Q(normalised_name__contains=key) | Q(label__iexact=name))
        kind = "naam"
        if date_of_birth:
            persons = persons.filter(date_of_birth=date_of_birth)
            kind = "naam en geboortedatum"
    else:
        raise RuleViolation(_("Zoek op BSN of op naam."), field="name")
    record_access(user, model=Person, purpose=ProcessingActivity.SUBJECT_RIGHTS, detail={
        "zoekopdracht": kind, "doel": purpose, "kenmerk": case_number,
    })
    in_scope = Q(signals__weegploeg__in=weegploegen_of(user))
    return persons.annotate(signal_count=Count("signals", filter=in_scope)).order_by(
        "normalised_name", "date_of_birth", "pk")[:SEARCH_LIMIT]


def person_in_scope(user, pk) -> Person | None:
    """The person, when they have a signal in the user's weegploegen; else None (404)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    return persons_in_scope(user).select_related("municipality").filter(pk=pk).first()


def view_person(user, pk, *, purpose: str, case_number: str) -> Person | None:
    """The person, read for `purpose` (audited), or None."""
    person = person_in_scope(user, pk)
    if person is not None:
        record_access(user, person, purpose=ProcessingActivity.SUBJECT_RIGHTS,
                      detail={"weergave": "betrokkene", "doel": purpose, "kenmerk": case_number})
    return person


def person_signals(user, person: Person):
    """The person's signals in the user's weegploegen."""
    return (_signals_in_scope(user).filter(person=person).select_related("weegploeg")
            .order_by("received_on", "pk"))


# -- the export -----------------------------------------------------------------------------


def _label(choices, code):
    return str(choices(code).label) if code in choices.values else (code or None)


ACTIONS = {
    AuditEntry.Action.CREATE: gettext_lazy("aangemaakt"),
    AuditEntry.Action.UPDATE: gettext_lazy("gewijzigd"),
    AuditEntry.Action.DELETE: gettext_lazy("verwijderd"),
    AuditEntry.Action.ACCESS: gettext_lazy("ingezien"),
}


def _objects_of(person: Person, signal_ids: list[int]) -> dict:
    """Per model, the ids of the objects that hold this person's data."""
    decisions = list(Decision.objects.filter(signal_id__in=signal_ids).values_list("pk",
                                                                                  flat=True))
    items = list(AgendaItem.objects.filter(signal_id__in=signal_ids).values_list("pk", flat=True))
    by_signal = {
        model: list(model.objects.filter(signal_id__in=signal_ids).values_list("pk", flat=True))
        for model in (Attachment, Contribution, Assessment, InformationRequest, Transfer,
                      FollowUp, Reweighing, Escalation)
    }
    return {
        Person: [person.pk],
        Signal: signal_ids,
        **by_signal,
        AgendaItem: items,
        Vote: list(Vote.objects.filter(item_id__in=items).values_list("pk", flat=True)),
        Decision: decisions,
        DecisionRecord: list(DecisionRecord.objects.filter(decision_id__in=decisions)
                             .values_list("pk", flat=True)),
        Notification: list(Notification.objects.filter(decision_id__in=decisions)
                           .values_list("pk", flat=True)),
    }


def access_log(person: Person, signal_ids: list[int]):
    """Who processed this person's data when: every audit entry (read, creation, change)
    of the person, their signals and what hangs off them. Searches that found the person
    are not linked to them (the query is not logged) and are not listed."""
    condition = Q()
    for model, pks in _objects_of(person, signal_ids).items():
        if pks:
            condition |= Q(content_type=ContentType.objects.get_for_model(model),
                           object_pk__in=[str(pk) for pk in pks])
    return (AuditEntry.objects.filter(condition)
            .select_related("actor", "partner", "content_type")
            .order_by("timestamp", "pk"))


def _reporter(signal: Signal, include: bool):
    if not include:
        return {"withheld": True,
                "note": _("De identiteit van de melder is niet opgenomen (bescherming van de "
                          "melder).")}
    return {"name": signal.reporter_name, "organisation": signal.reporter_organisation,
            "contact": signal.reporter_contact}


def _shielded(item, partner_id) -> dict | None:
    """For information another partner marked "own organisation only": that it exists and
    whose it is, not what it says."""
    if not item.is_shielded_for(partner_id):
        return None
    return {"shielded": True, "partner": item.partner.name,
            "note": _("Afgeschermd door %(partner)s; de inhoud is niet opgenomen. Leg het "
                      "verzoek voor aan deze partner.") % {"partner": item.partner.name}}


def _assessment(assessment: Assessment, partner_id) -> dict:
    shielded = _shielded(assessment, partner_id)
    if shielded:
        return {"kind": _label(AssessmentKind, assessment.kind), **shielded,
                "recorded_at": assessment.created_at}
    return {
        "kind": _label(AssessmentKind, assessment.kind),
        "partner": assessment.partner.name if assessment.partner else None,
        "framework_version": assessment.framework.version,
        "recorded_at": assessment.created_at,
        "shielded": False,
        "judgements": [
            {"criterion": f"{j.criterion.number}. {j.criterion.title}",
             "judgement": j.scale_value.label, "substantiation": j.substantiation,
             "source": j.source,
             "source_partner": j.source_partner.name if j.source_partner else None}
            for j in assessment.judgements.select_related("criterion", "scale_value",
                                                          "source_partner")
        ],
        "observations": [
            {"indicator": o.indicator.title, "observed_facts": o.observed_facts,
             "protective_factors": o.protective_factors}
            for o in assessment.observations.select_related("indicator")
        ],
        "conclusion": assessment.conclusion,
    }


def _contribution(contribution: Contribution, partner_id) -> dict:
    shielded = _shielded(contribution, partner_id)
    if shielded:
        return {**shielded, "created_at": contribution.created_at}
    return {"partner": contribution.partner.name, "source": contribution.source,
            "information_date": contribution.information_date,
            "content": contribution.content, "shielded": False,
            "created_at": contribution.created_at}


def _signal(signal: Signal, include_reporter: bool, partner_id) -> dict:
    from signals.models import Phenomenon, SignalStatus, SourceCategory
    from weegploeg.models import CaseParty, Outcome, Referral

    notification = Notification.objects.filter(decision__signal=signal).first()
    return {
        "reference": signal.reference,
        "weegploeg": signal.weegploeg.name,
        "status": _label(SignalStatus, signal.status),
        "received_on": signal.received_on,
        "registered_at": signal.registered_at,
        "source_category": _label(SourceCategory, signal.source_category),
        "phenomenon": _label(Phenomenon, signal.phenomenon),
        "description": signal.description,
        "behaviour_from": signal.behaviour_from,
        "behaviour_to": signal.behaviour_to,
        "acute_danger": signal.acute_danger,
        "is_repeat": signal.is_repeat,
        "withdrawal_reason": signal.withdrawal_reason,
        "withdrawn_at": signal.withdrawn_at,
        "reporter": _reporter(signal, include_reporter),
        "retention": {
            "rule": _label(RetentionBasis, signal.retention_basis),
            "started_on": signal.retention_started_on,
            "deletion_due": signal.deletion_due,
        },
        "attachments": [
            {"name": a.original_name, "content_type": a.content_type, "size": a.size,
             "uploaded_at": a.uploaded_at}
            for a in signal.attachments.all()
        ],
        "contributions": [
            _contribution(c, partner_id) for c in signal.contributions.select_related("partner")
        ],
        "assessments": [
            _assessment(a, partner_id)
            for a in signal.assessments.select_related("framework", "partner")
            .order_by("created_at", "pk")
        ],
        "agenda": [
            {"session": item.session.starts_at, "round": item.round,
             "status": item.get_status_display(),
             "votes": [{"partner": v.partner.name, "outcome": _label(Outcome, v.outcome),
                        "motivation": v.motivation, "cast_at": v.cast_at}
                       for v in item.votes.select_related("partner").order_by("cast_at", "pk")]}
            for item in signal.agenda_items.select_related("session").order_by("round")
        ],
        "decisions": [
            {"id": d.pk, "outcome": _label(Outcome, d.outcome), "taken_at": d.taken_at,
             "reasoning": d.reasoning,
             "invited_parties": [_label(CaseParty, p) for p in d.invited_parties],
             "other_party": d.other_party, "referral": _label(Referral, d.referral),
             "corrects": d.corrects_id, "correction_reason": d.correction_reason}
            for d in signal.decisions.order_by("taken_at", "pk")
        ],
        "information_requests": [
            {"partner": r.assigned_partner.name, "question": r.question,
             "deadline": r.deadline, "answered_at": r.answered_at}
            for r in signal.information_requests.select_related("assigned_partner")
        ],
        "notification": None if notification is None else {
            "status": notification.get_status_display(),
            "notified_on": notification.notified_on,
            "notified_by": notification.notified_by,
            "method": notification.get_method_display() if notification.method else None,
            "postponement_ground": notification.get_ground_display()
            if notification.ground else None,
            "recheck_on": notification.recheck_on,
        },
        "transfers": [
            {"from": t.from_weegploeg.name, "to": t.to_weegploeg.name, "reason": t.reason,
             "at": t.transferred_at}
            for t in signal.transfers.select_related("from_weegploeg", "to_weegploeg")
        ],
        **_after_decision(signal),
    }


def _after_decision(signal: Signal) -> dict:
    """What happened after the decisions (docs/design.md rule 12): follow-ups, re-weighings
    and the escalations to the lokale driehoek with its outcome."""
    return {
        "follow_ups": [
            {"kind": _label(FollowUpKind, f.kind), "due_on": f.due_on, "checked": f.checked,
             "result": f.result, "referral_result": _label(ReferralResult, f.referral_result),
             "taken_up_by": f.taken_up_by, "next_on": f.next_on, "recorded_at": f.recorded_at}
            for f in signal.follow_ups.order_by("due_on", "pk")
        ],
        "reweighings": [
            {"reason_kind": _label(ReweighingReason, r.reason_kind), "reason": r.reason,
             "requested_at": r.requested_at, "earlier_decision": r.earlier_decision_id,
             "decision": r.decision_id}
            for r in signal.reweighings.order_by("requested_at", "pk")
        ],
        "escalations": [
            {"round": e.item.round, "sent_on": e.sent_on, "sent_to": e.sent_to,
             "outcome": _label(DriehoekOutcome, e.outcome), "outcome_on": e.outcome_on,
             "outcome_text": e.outcome_text}
            for e in signal.escalations.select_related("item").order_by("sent_on", "pk")
        ],
    }


def subject_access_data(user, person: Person, *, case_number: str,
                        include_reporter: bool = False) -> dict:
    """Everything held about the person, for an inzageverzoek (AVG art. 15), as `user` may
    see it. Dates and times are kept as values: the JSON file writes them in ISO 8601, the
    PDF in Dutch and in local time. Not audited here: the request for the export and its
    download are (`request_subject_export`, `download_subject_export`)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    signals = list(person_signals(user, person))
    entries = access_log(person, [s.pk for s in signals])
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "format": "weegploeg-inzage",
            "format_version": 1,
            "created_at": timezone.now(),
            "case_number": case_number,
            "reporter_included": include_reporter,
            "person": {
                "label": person.label,
                "first_names": person.first_names,
                "surname_prefix": person.surname_prefix,
                "surname": person.surname,
                "date_of_birth": person.date_of_birth,
                "bsn": person.bsn,
                "address": person.address,
                "postcode": person.postcode,
                "municipality": person.municipality.name if person.municipality else None,
                "registered_at": person.created_at,
            },
            "signals": [_signal(signal, include_reporter, user.partner_id)
                        for signal in signals],
            "legal_holds": [
                {"scope": _("betrokkene") if hold.person_id else hold.signal.reference,
                 "until": hold.until, "active": hold.ended_at is None}
                for hold in LegalHold.objects.filter(
                    Q(person=person) | Q(signal__in=signals)).select_related("signal")
            ],
            "requests": [
                {"kind": r.get_kind_display(), "case_number": r.case_number,
                 "received_on": r.received_on, "status": r.get_status_display(),
                 "handled_on": r.handled_on}
                for r in SubjectRequest.objects.filter(person=person)
            ],
            "access_log": [
                {"at": entry.timestamp,
                 "by": entry.actor.full_name if entry.actor else _("het systeem"),
                 "partner": entry.partner.name if entry.partner else None,
                 "action": str(ACTIONS.get(entry.action, entry.action)),
                 "object": str(entry.content_type.model_class()._meta.verbose_name)
                 if entry.content_type.model_class() else entry.content_type.model,
                 "purpose": _label(ProcessingActivity, entry.purpose)}
                for entry in entries
            ],
        }


def _json_value(value):
    if isinstance(value, datetime.date):  # a datetime is a date too
        return value.isoformat()
    raise TypeError(type(value).__name__)


def subject_access_json(data: dict) -> bytes:
    """The export as JSON: dates and times in ISO 8601 (times with their UTC offset)."""
    return (json.dumps(data, ensure_ascii=False, indent=2, default=_json_value) + "\n").encode()


def subject_access_pdf(data: dict) -> bytes:
    """The export as PDF/A, rendered like the decision records (`pga.pdf`): dates in Dutch,
    times in local time (Europe/Amsterdam), never an ISO timestamp or UTC (issue 22 point 3)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("rights/subject_access.html", {"data": data},
                          footer=_("Inzageverzoek %(case)s") % {"case": data["case_number"]})


RENDERERS = {ExportFormat.JSON: subject_access_json, ExportFormat.PDF: subject_access_pdf}
CONTENT_TYPES = {ExportFormat.JSON: "application/json; charset=utf-8",
                 ExportFormat.PDF: "application/pdf"}


# -- the export in the background ------------------------------------------------------------


def request_subject_export(user, person: Person, *, purpose: str, case_number: str,
                           export_format: str, include_reporter: bool = False
                           ) -> SubjectAccessExport:
    """The beheerder or FG asks for the inzage export of a person in their weegploegen, for
    the purpose and case number stated at the search. The request is the audited processing
    (as the export itself was when it was made in the request), noting the format and
    whether the reporter's identity is included; the file is built by a Celery task once
    this transaction commits (issue 16 point 5: no PDF is rendered in the request)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    if export_format not in ExportFormat.values:
        raise RuleViolation(_("Kies JSON of PDF."), field="export_format")
    if purpose not in AccessPurpose.values or not (case_number or "").strip():
        raise RuleViolation(_("Zoek de betrokkene eerst op, met het doel en het kenmerk van "
                              "het verzoek."))
    with transaction.atomic(), processing(ProcessingActivity.SUBJECT_RIGHTS):
        if person_in_scope(user, person.pk) is None:
            raise RuleViolation(_("Deze betrokkene hoort niet bij uw weegploeg."))
        record_access(user, person, purpose=ProcessingActivity.SUBJECT_RIGHTS, detail={
            "export": export_format, "doel": purpose, "kenmerk": case_number.strip(),
            "melder_opgenomen": include_reporter,
        })
        export = SubjectAccessExport.objects.create(
            person=person, requested_by=user, export_format=export_format, purpose=purpose,
            case_number=case_number.strip(), include_reporter=include_reporter,
        )
        # With the broker down it is built in this request rather than left waiting.
        enqueue(build_subject_export_task, export.pk, run_inline_if_unreachable=True)
    return export


def build_subject_export(export: SubjectAccessExport) -> SubjectAccessExport:
    """The task's work: compile the data as the requester may see them, render the file and
    store it (private storage, a name of ids only) with its SHA-256. Idempotent: an export
    that is finished, downloaded or removed is not built again; one left running by a lost
    worker is built again from the start. On failure the export is marked failed (the page
    says so) and the error goes to Celery's log without its message (it may quote data)."""
    export = SubjectAccessExport.objects.select_related("person", "requested_by").get(
        pk=export.pk)
    if export.status == ExportStatus.DONE or export.file_removed_at is not None:
        return export
    with processing(ProcessingActivity.SUBJECT_RIGHTS):
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])
        name = None
        try:
            data = subject_access_data(export.requested_by, export.person,
                                       case_number=export.case_number,
                                       include_reporter=export.include_reporter)
            content = RENDERERS[export.export_format](data)
            name = default_storage.save(
                f"inzage/{export.pk}/{uuid.uuid4().hex}.{export.export_format}",
                ContentFile(content))
            export.file, export.sha256 = name, hashlib.sha256(content).hexdigest()
            export.status, export.finished_at = ExportStatus.DONE, timezone.now()
            export.save(update_fields=["file", "sha256", "status", "finished_at"])
        except Exception:
            if name:
                default_storage.delete(name)
            export.status = ExportStatus.FAILED
            export.save(update_fields=["status"])
            logger.error("Inzage-export %s mislukt", export.pk)
            raise
    logger.info("Inzage-export %s klaar", export.pk)
    return export


def subject_exports(user, person: Person):
    """The user's own exports of this person, newest first (the person's page)."""
    return SubjectAccessExport.objects.visible_to(user).filter(person=person)


def subject_export_in_scope(user, person_pk, export_pk) -> SubjectAccessExport | None:
    """The user's own export of a person still in their weegploegen; else None (404)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    return SubjectAccessExport.objects.visible_to(user).filter(
        pk=export_pk, person_id=person_pk).first()


class ExportUnavailable(RuleViolation):
    """The export's file is not (or no longer) there to download."""


def download_subject_export(user, export: SubjectAccessExport) -> tuple[bytes, str, str]:
    """The file of a finished export, once: the download is an audited read of the person's
    data (with the export's purpose and case number), after which the file is removed (once
    this transaction commits; `remove_expired_subject_exports` finishes a removal that did
    not happen). A file whose SHA-256 does not match is not served. Returns the content, its
    content type and a file name without personal data."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    with transaction.atomic(), processing(ProcessingActivity.SUBJECT_RIGHTS):
        export = (SubjectAccessExport.objects.visible_to(user).select_for_update(of=("self",))
                  .select_related("person").filter(pk=export.pk).first())
        if export is None:
            raise ExportUnavailable(_("Deze betrokkene hoort niet bij uw weegploeg."))
        if export.downloaded_at is not None or export.file_removed_at is not None:
            raise ExportUnavailable(_("Deze export is al gedownload of verlopen en het bestand "
                                      "is verwijderd. Vraag zo nodig een nieuwe export aan."))
        if export.status != ExportStatus.DONE:
            raise ExportUnavailable(_("Deze export is nog niet klaar."))
        content = read_verified(export.file, export.sha256)
        if content is None:
            logger.error("Inzage-export %s: het bestand ontbreekt of de controlesom klopt niet",
                         export.pk)
            raise ExportUnavailable(_("Het bestand van deze export ontbreekt of is gewijzigd en "
                                      "wordt niet geleverd. Vraag een nieuwe export aan."))
        record_access(user, export.person, purpose=ProcessingActivity.SUBJECT_RIGHTS, detail={
            "download": export.export_format, "inzage-export": export.pk,
            "doel": export.purpose, "kenmerk": export.case_number,
            "melder_opgenomen": export.include_reporter,
        })
        export.downloaded_at = timezone.now()
        export.save(update_fields=["downloaded_at"])
        transaction.on_commit(functools.partial(remove_export_file, export.pk), robust=True)
    filename = f"inzage-betrokkene-{export.person_id}-{export.pk}.{export.export_format}"
    return content, CONTENT_TYPES[export.export_format], filename


# -- removing exports ---------------------------------------------------------------------------
# An export's file holds the person's data; it goes after the download, after
# SUBJECT_EXPORT_KEEP_HOURS if nobody downloads it, and with the data: the row cascades with the
# person, and goes with any of the person's signals (`discard_exports_of_persons`), its file
# after the commit (`remove_file_of_deleted_export`).


def remove_export_file(export_pk: int) -> bool:
    """Remove the stored file of an export and note when (idempotent: a file already gone is
    fine). The row stays, without personal data, so the page can say what happened."""
    with transaction.atomic(), processing(ProcessingActivity.SUBJECT_RIGHTS):
        export = SubjectAccessExport.objects.select_for_update().filter(pk=export_pk).first()
        if export is None or export.file_removed_at is not None:
            return False
        if export.file:
            default_storage.delete(export.file.name)
        export.file, export.sha256 = "", ""
        export.file_removed_at = timezone.now()
        if export.status in (ExportStatus.PENDING, ExportStatus.RUNNING):
            export.status = ExportStatus.FAILED
        export.save(update_fields=["file", "sha256", "file_removed_at", "status"])
    return True


def remove_expired_subject_exports(now: datetime.datetime | None = None) -> int:
    """The periodic sweep (hourly, `rights.tasks`): the file of every export downloaded, or
    asked for more than SUBJECT_EXPORT_KEEP_HOURS ago, is removed; an export still not
    finished by then is marked failed. Returns the number of exports cleared."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.SUBJECT_EXPORT_KEEP_HOURS)
    due = (SubjectAccessExport.objects.filter(file_removed_at__isnull=True)
           .filter(Q(downloaded_at__isnull=False) | Q(created_at__lte=cutoff))
           .values_list("pk", flat=True))
    return sum(1 for pk in list(due) if remove_export_file(pk))


def discard_exports_of_persons(sender, person_ids, **kwargs) -> None:
    """`retention.purge.signals_purged`, once per purged batch: the exports of every person
    who lost a signal hold that signal's data and go with it, so no export outlives what it
    shows."""
    SubjectAccessExport.objects.filter(person_id__in=person_ids).delete()


def remove_file_of_deleted_export(sender, instance, **kwargs) -> None:
    """post_delete of an export (with its person, with a signal, by hand): its file is
    removed once the deletion commits."""
    if instance.file:
        transaction.on_commit(functools.partial(default_storage.delete, instance.file.name),
                              robust=True)


# -- rectification and erasure (and access) requests ----------------------------------------


@transaction.atomic
def record_request(user, person: Person, *, kind: str, case_number: str,
                   received_on: datetime.date, request_text: str = "") -> SubjectRequest:
    """Record a request of the person (inzage, rectificatie, verwijdering)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    case_number = (case_number or "").strip()
    if kind not in SubjectRequestKind.values:
        raise RuleViolation(_("Kies de soort verzoek."), field="kind")
    if not case_number:
        raise RuleViolation(_("Vul het kenmerk van het verzoek in."), field="case_number")
    if received_on is None or received_on > timezone.localdate():
        raise RuleViolation(_("De datum van ontvangst ligt niet in de toekomst."),
                            field="received_on")
    if person_in_scope(user, person.pk) is None:
        raise RuleViolation(_("Deze betrokkene hoort niet bij uw weegploeg."))
    with processing(ProcessingActivity.SUBJECT_RIGHTS):
        return SubjectRequest.objects.create(
            kind=kind, person=person, case_number=case_number, received_on=received_on,
            request_text=(request_text or "").strip(), recorded_by=user,
        )


@transaction.atomic
def handle_request(user, request: SubjectRequest, *, status: str, handling: str,
                   handled_on: datetime.date | None = None) -> SubjectRequest:
    """Record how a request was handled: granted, partly granted or refused, with the
    reasoning (and, for rectification, what was corrected where)."""
    check_role(user, *RIGHTS_ROLES, refusal=RIGHTS_ONLY)
    handling = (handling or "").strip()
    if status not in SubjectRequestStatus.values or status == SubjectRequestStatus.OPEN:
        raise RuleViolation(_("Kies de uitkomst van het verzoek."), field="status")
    if not handling:
        raise RuleViolation(_("Beschrijf de afhandeling."), field="handling")
    handled_on = handled_on or timezone.localdate()
    with processing(ProcessingActivity.SUBJECT_RIGHTS):
        request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        if request.person_id is None or person_in_scope(user, request.person_id) is None:
            raise RuleViolation(_("Deze betrokkene hoort niet bij uw weegploeg."))
        if request.status != SubjectRequestStatus.OPEN:
            raise RuleViolation(_("Dit verzoek is al afgehandeld."))
        if not request.received_on <= handled_on <= timezone.localdate():
            raise RuleViolation(_("De datum van afhandeling ligt tussen de ontvangst en "
                                  "vandaag."), field="handled_on")
        request.status, request.handling = status, handling
        request.handled_on = handled_on
        request.handled_by = user
        request.save()
    return request
