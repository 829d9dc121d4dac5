"""The hand-over to the casusoverleg (issue 5; docs/design.md §3): the signal, the
assessment and the decision for the casusoverleg's file, as JSON and the decision record
PDF in one ZIP.

- Only for a current casusoverleg decision: a corrected decision is handed over by its
  correction.
- It holds the person's identity and what the weegploeg weighed, never the reporter's
  identity (name, organisation, contact): the casusoverleg does not need it and the
  reporter is protected (data minimisation, AVG art. 5(1)(c)).
"""

import io
import json
import zipfile

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pga.services import RuleViolation
from signals.models import Phenomenon, SourceCategory
from weegploeg.models import CaseParty, Decision, Outcome
from weegploeg.record_content import record_facts
from weegploeg.records import create_decision_record, read_record


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
