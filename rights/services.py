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
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.models import Assessment, AssessmentKind
from pga.audit import processing, record_access
from pga.authz import has_role, weegploegen_of
from pga.models import AuditEntry, ProcessingActivity, Role
from pga.pdf import render_pdf
from pga.services import RuleViolation
from retention.models import (
    LegalHold,
    Notification,
    RetentionBasis,
    SubjectRequest,
    SubjectRequestKind,
    SubjectRequestStatus,
)
from signals.models import Attachment, Contribution, Person, Signal, Transfer
from signals.services import normalise_name
from weegploeg.models import AgendaItem, Decision, DecisionRecord, InformationRequest, Vote

RIGHTS_ROLES = (Role.ADMIN, Role.AUDITOR)
SEARCH_LIMIT = 50


class AccessPurpose(models.TextChoices):
    """Why a person is looked up here; recorded with every search, view and export."""

    ACCESS = "inzageverzoek", gettext_lazy("Inzageverzoek van de betrokkene")
    RECTIFICATION = "rectificatieverzoek", gettext_lazy("Rectificatieverzoek")
    ERASURE = "verwijderverzoek", gettext_lazy("Verwijderverzoek")
    LEGAL_HOLD = "juridische_blokkade", gettext_lazy("Juridische blokkade instellen")
    SUPERVISION = "toezicht", gettext_lazy("Toezicht door de functionaris gegevensbescherming")


def _require_rights_role(user):
    if not has_role(user, *RIGHTS_ROLES):
        raise RuleViolation(_("Alleen de functioneel beheerder en de functionaris "
                              "gegevensbescherming behandelen verzoeken van betrokkenen."))


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
    _require_rights_role(user)
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
    _require_rights_role(user)
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


def _iso(value):
    return value.isoformat() if value else None


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
        for model in (Attachment, Contribution, Assessment, InformationRequest, Transfer)
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
                "recorded_at": _iso(assessment.created_at)}
    return {
        "kind": _label(AssessmentKind, assessment.kind),
        "partner": assessment.partner.name if assessment.partner else None,
        "framework_version": assessment.framework.version,
        "recorded_at": _iso(assessment.created_at),
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
        return {**shielded, "created_at": _iso(contribution.created_at)}
    return {"partner": contribution.partner.name, "source": contribution.source,
            "information_date": _iso(contribution.information_date),
            "content": contribution.content, "shielded": False,
            "created_at": _iso(contribution.created_at)}


def _signal(signal: Signal, include_reporter: bool, partner_id) -> dict:
    from signals.models import Phenomenon, SignalStatus, SourceCategory
    from weegploeg.models import CaseParty, Outcome, Referral

    notification = Notification.objects.filter(decision__signal=signal).first()
    return {
        "reference": signal.reference,
        "weegploeg": signal.weegploeg.name,
        "status": _label(SignalStatus, signal.status),
        "received_on": _iso(signal.received_on),
        "registered_at": _iso(signal.registered_at),
        "source_category": _label(SourceCategory, signal.source_category),
        "phenomenon": _label(Phenomenon, signal.phenomenon),
        "description": signal.description,
        "behaviour_from": _iso(signal.behaviour_from),
        "behaviour_to": _iso(signal.behaviour_to),
        "acute_danger": signal.acute_danger,
        "is_repeat": signal.is_repeat,
        "withdrawal_reason": signal.withdrawal_reason,
        "withdrawn_at": _iso(signal.withdrawn_at),
        "reporter": _reporter(signal, include_reporter),
        "retention": {
            "rule": _label(RetentionBasis, signal.retention_basis),
            "started_on": _iso(signal.retention_started_on),
            "deletion_due": _iso(signal.deletion_due),
        },
        "attachments": [
            {"name": a.original_name, "content_type": a.content_type, "size": a.size,
             "uploaded_at": _iso(a.uploaded_at)}
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
            {"session": _iso(item.session.starts_at), "round": item.round,
             "status": item.get_status_display(),
             "votes": [{"partner": v.partner.name, "outcome": _label(Outcome, v.outcome),
                        "motivation": v.motivation, "cast_at": _iso(v.cast_at)}
                       for v in item.votes.select_related("partner").order_by("cast_at", "pk")]}
            for item in signal.agenda_items.select_related("session").order_by("round")
        ],
        "decisions": [
            {"id": d.pk, "outcome": _label(Outcome, d.outcome), "taken_at": _iso(d.taken_at),
             "reasoning": d.reasoning,
             "invited_parties": [_label(CaseParty, p) for p in d.invited_parties],
             "other_party": d.other_party, "referral": _label(Referral, d.referral),
             "corrects": d.corrects_id, "correction_reason": d.correction_reason}
            for d in signal.decisions.order_by("taken_at", "pk")
        ],
        "information_requests": [
            {"partner": r.assigned_partner.name, "question": r.question,
             "deadline": _iso(r.deadline), "answered_at": _iso(r.answered_at)}
            for r in signal.information_requests.select_related("assigned_partner")
        ],
        "notification": None if notification is None else {
            "status": notification.get_status_display(),
            "notified_on": _iso(notification.notified_on),
            "notified_by": notification.notified_by,
            "method": notification.get_method_display() if notification.method else None,
            "postponement_ground": notification.get_ground_display()
            if notification.ground else None,
            "recheck_on": _iso(notification.recheck_on),
        },
        "transfers": [
            {"from": t.from_weegploeg.name, "to": t.to_weegploeg.name, "reason": t.reason,
             "at": _iso(t.transferred_at)}
            for t in signal.transfers.select_related("from_weegploeg", "to_weegploeg")
        ],
    }


def subject_access_data(user, person: Person, *, purpose: str, case_number: str,
                        include_reporter: bool = False, export_format: str = "json") -> dict:
    """Everything held about the person, for an inzageverzoek (AVG art. 15). The export is
    an audited read, noting whether the reporter's identity was included."""
    _require_rights_role(user)
    record_access(user, person, purpose=ProcessingActivity.SUBJECT_RIGHTS, detail={
        "export": export_format, "doel": purpose, "kenmerk": case_number,
        "melder_opgenomen": include_reporter,
    })
    signals = list(person_signals(user, person))
    entries = access_log(person, [s.pk for s in signals])
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "format": "weegploeg-inzage",
            "format_version": 1,
            "created_at": _iso(timezone.now()),
            "case_number": case_number,
            "reporter_included": include_reporter,
            "person": {
                "label": person.label,
                "first_names": person.first_names,
                "surname_prefix": person.surname_prefix,
                "surname": person.surname,
                "date_of_birth": _iso(person.date_of_birth),
                "bsn": person.bsn,
                "address": person.address,
                "postcode": person.postcode,
                "municipality": person.municipality.name if person.municipality else None,
                "registered_at": _iso(person.created_at),
            },
            "signals": [_signal(signal, include_reporter, user.partner_id)
                        for signal in signals],
            "legal_holds": [
                {"scope": _("betrokkene") if hold.person_id else hold.signal.reference,
                 "until": _iso(hold.until), "active": hold.ended_at is None}
                for hold in LegalHold.objects.filter(
                    Q(person=person) | Q(signal__in=signals)).select_related("signal")
            ],
            "requests": [
                {"kind": r.get_kind_display(), "case_number": r.case_number,
                 "received_on": _iso(r.received_on), "status": r.get_status_display(),
                 "handled_on": _iso(r.handled_on)}
                for r in SubjectRequest.objects.filter(person=person)
            ],
            "access_log": [
                {"at": _iso(entry.timestamp),
                 "by": entry.actor.full_name if entry.actor else _("het systeem"),
                 "partner": entry.partner.name if entry.partner else None,
                 "action": str(ACTIONS.get(entry.action, entry.action)),
                 "object": str(entry.content_type.model_class()._meta.verbose_name)
                 if entry.content_type.model_class() else entry.content_type.model,
                 "purpose": _label(ProcessingActivity, entry.purpose)}
                for entry in entries
            ],
        }


def subject_access_pdf(data: dict) -> bytes:
    """The export as PDF/A, rendered like the decision records (`pga.pdf`)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("rights/subject_access.html", {"data": data},
                          footer=_("Inzageverzoek %(case)s") % {"case": data["case_number"]})


# -- rectification and erasure (and access) requests ----------------------------------------


@transaction.atomic
def record_request(user, person: Person, *, kind: str, case_number: str,
                   received_on: datetime.date, request_text: str = "") -> SubjectRequest:
    """Record a request of the person (inzage, rectificatie, verwijdering)."""
    _require_rights_role(user)
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
    _require_rights_role(user)
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
