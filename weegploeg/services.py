"""What makes a decision valid: sessions, agenda, votes, the unanimity rule, corrections and
information requests (docs/design.md §3 rules 4–7).

Plain functions taking the acting user; each runs in one transaction and raises
`RuleViolation` (Dutch, for the user) when a rule refuses the action.
"""

import dataclasses
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.background import enqueue
from pga.models import Partner, ProcessingActivity, User
from pga.services import RuleViolation
from signals import lifecycle
from signals.access import can
from signals.legal import require_legal_ground
from signals.models import EventKind, Signal, SignalStatus
from signals.services import (
    add_contribution,
    core_partner_ids,
    record_event,
    sync_signal_permissions,
)
from weegploeg.follow_up import schedule_follow_ups
from weegploeg.models import (
    AgendaItem,
    CaseParty,
    Decision,
    InformationRequest,
    ItemStatus,
    Outcome,
    Referral,
    Session,
    SessionStatus,
    Vote,
)
from weegploeg.readiness import vote_prerequisites, voter_refusal
from weegploeg.reweighing import conclude_reweighing
from weegploeg.roles import require_coordinator
from weegploeg.tasks import generate_decision_record, mail_agenda, mail_decision

# A signal can be put on an agenda while it is being prepared (rule 2: it leaves the queue
# only by a decision, a withdrawal or a transfer).
AGENDA_READY_STATUSES = (SignalStatus.REGISTERED, SignalStatus.IN_PREPARATION)
SIGNAL_STATUS_AFTER = {
    Outcome.CASUSOVERLEG: SignalStatus.DECIDED,
    Outcome.NO_CASUSOVERLEG: SignalStatus.DECIDED,
    Outcome.MORE_INFORMATION: SignalStatus.MORE_INFORMATION,
}


def sessions_for(user):
    """The sessions the user sees (`Session.objects.visible_to`)."""
    return Session.objects.visible_to(user).select_related("weegploeg")


@transaction.atomic
def plan_session(user, weegploeg, starts_at, location="", online=False) -> Session:
    require_coordinator(user, weegploeg)
    if not online and not location.strip():
        raise RuleViolation(_("Geef de plaats van het overleg, of kies online."), field="location")
    return Session.objects.create(
        weegploeg=weegploeg, starts_at=starts_at, location=location.strip(), online=online,
        created_by=user,
    )


def visible_signal_ids(user, signal_ids) -> set[int]:
    """Of these signals, the ones the user sees as weegploeg (one query)."""
    return set(
        Signal.objects.visible_to(user, "signals.view_dossier")
        .filter(pk__in=signal_ids)
        .values_list("pk", flat=True)
    )


def agenda_candidates(user, session):
    """Signals of the session's weegploeg that are ready for the agenda, by reference (the
    dropdown names each with its reference and person)."""
    return (
        Signal.objects.visible_to(user, "signals.view_dossier")
        .filter(weegploeg=session.weegploeg, status__in=AGENDA_READY_STATUSES)
        .select_related("person")
        .order_by("reference", "pk")
    )


@transaction.atomic
def add_to_agenda(user, session: Session, signal: Signal) -> AgendaItem:
    """Put a ready signal on the agenda as its next voting round."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_coordinator(user, session.weegploeg)
    if session.status == SessionStatus.CLOSED:
        raise RuleViolation(_("Dit overleg is gesloten."))
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if (
        signal.weegploeg_id != session.weegploeg_id
        or signal.status not in AGENDA_READY_STATUSES
        or not can(user, "signals.view_dossier", signal)
    ):
        raise RuleViolation(_("Dit signaal kan niet op deze agenda."), field="signal")
    last = signal.agenda_items.aggregate(m=Max("round"))["m"] or 0
    position = (session.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        session=session, signal=signal, position=position, round=last + 1,
        escalate=_rounds_without_unanimity(signal) >= settings.ESCALATION_ROUNDS,
    )
    signal.status = SignalStatus.ON_AGENDA
    signal.save(update_fields=["status", "updated_at"])
    record_event(user, signal, EventKind.STATUS, _("Geagendeerd (ronde %(n)d)") % {"n": item.round})
    sync_signal_permissions(signal)
    return item


@transaction.atomic
def remove_from_agenda(user, item: AgendaItem) -> None:
    item = AgendaItem.objects.select_for_update().select_related("session", "signal").get(
        pk=item.pk
    )
    require_coordinator(user, item.session.weegploeg)
    if item.status != ItemStatus.OPEN or item.votes.exists():
        raise RuleViolation(
            _("Over dit agendapunt is al gestemd; het kan niet meer van de agenda.")
        )
    signal = item.signal
    item.delete()
    signal.status = SignalStatus.IN_PREPARATION
    signal.save(update_fields=["status", "updated_at"])
    record_event(user, signal, EventKind.STATUS, _("Van de agenda gehaald"))
    sync_signal_permissions(signal)


@transaction.atomic
def move_item(user, item: AgendaItem, offset: int) -> None:
    """Order the agenda: swap the item with its neighbour above (-1) or below (+1)."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    require_coordinator(user, item.session.weegploeg)
    items = list(item.session.items.select_for_update().order_by("position"))
    index = items.index(item)
    other = index + offset
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        # One save per moved item, no bulk update: every change of the order is audited
        # (ADR 0002 §5).
        for position, each in enumerate(items, start=1):
            if each.position != position:
                each.position = position
                each.save(update_fields=["position"])


@transaction.atomic
def prepare_decision(user, item: AgendaItem, *, joint_reasoning="", invited_parties=(),
                     other_party="", referral=Referral.NONE, follow_up_on=None) -> AgendaItem:
    """The coordinator keeps the record: the joint reasoning, the parties to invite (needed
    before anyone can vote casusoverleg, rule 4) and a referral with follow-up date. Copied
    into the decision when the three votes agree."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    require_coordinator(user, item.session.weegploeg)
    if item.status != ItemStatus.OPEN:
        raise RuleViolation(_("Over dit agendapunt is al besloten."))
    if CaseParty.OTHER in invited_parties and not other_party.strip():
        raise RuleViolation(_("Noem de andere partij."), field="other_party")
    item.joint_reasoning = joint_reasoning.strip()
    item.invited_parties = sorted(set(invited_parties))
    item.other_party = other_party.strip()
    item.referral = referral or Referral.NONE
    item.follow_up_on = follow_up_on
    item.save()
    return item


@transaction.atomic
def publish_agenda(user, session: Session) -> int:
    """Send the agenda (references only) to the members of the three partners."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_coordinator(user, session.weegploeg)
    if not session.items.exists():
        raise RuleViolation(_("De agenda is nog leeg."))
    session.agenda_published_at = timezone.now()
    session.save(update_fields=["agenda_published_at"])
    enqueue(mail_agenda, session.pk, run_inline_if_unreachable=True)
    return session.items.count()


@transaction.atomic
def open_session(user, session: Session, reason: str = "") -> Session:
    """Open the session for voting — on the day it was planned for, so that the record's
    session date and the time of the deciding vote agree (issue 18). On another day only
    with a written reason, which is kept with the session."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_coordinator(user, session.weegploeg)
    if session.status != SessionStatus.PLANNED:
        raise RuleViolation(_("Dit overleg is al geopend of gesloten."))
    reason = (reason or "").strip()
    planned_on = timezone.localdate(session.starts_at)
    if planned_on != timezone.localdate() and not reason:
        raise RuleViolation(
            _("Dit overleg staat op %(date)s. Open het op die dag, of geef de reden om het "
              "vandaag te openen.") % {"date": planned_on.strftime("%d-%m-%Y")},
            field="reason",
        )
    session.status = SessionStatus.OPEN
    session.opened_at = timezone.now()
    session.opening_reason = reason
    session.save(update_fields=["status", "opened_at", "opening_reason"])
    return session


def attendance_candidates(session: Session):
    """Who can attend: the active staff of the weegploeg's partners, by partner and name."""
    return (
        User.objects.filter(partner__in=session.weegploeg.partners(), is_active=True)
        .select_related("partner").order_by("partner__name", "full_name", "pk")
    )


@transaction.atomic
def record_attendance(user, session: Session, attendees) -> Session:
    """The procesregisseur records who attended, per partner (the meeting record)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_coordinator(user, session.weegploeg)
    allowed = set(attendance_candidates(session).values_list("pk", flat=True))
    chosen = {attendee.pk for attendee in attendees}
    if not chosen <= allowed:
        raise RuleViolation(_("Kies alleen medewerkers van de partners van deze weegploeg."),
                            field="attendees")
    session.attendees.set(chosen)
    return session


@transaction.atomic
def close_session(user, session: Session) -> list[AgendaItem]:
    """Close the session. An item without three equal votes is recorded as "geen
    eensluidend oordeel" and its signal returns to the queue for the next agenda; after
    ESCALATION_ROUNDS rounds it is flagged for escalation to the lokale driehoek (rule 4)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_coordinator(user, session.weegploeg)
    if session.status == SessionStatus.CLOSED:
        raise RuleViolation(_("Dit overleg is al gesloten."))
    unresolved = list(
        session.items.select_for_update().filter(status=ItemStatus.OPEN).select_related("signal")
    )
    for item in unresolved:
        item.status = ItemStatus.NO_CONSENSUS
        item.save(update_fields=["status"])
        item.escalate = _rounds_without_unanimity(item.signal) >= settings.ESCALATION_ROUNDS
        item.save(update_fields=["escalate"])
        signal = item.signal
        if signal.status != SignalStatus.ON_AGENDA or signal.weegploeg_id != session.weegploeg_id:
            continue  # left the agenda another way meanwhile; not this session's to change
        signal.status = SignalStatus.IN_PREPARATION
        signal.save(update_fields=["status", "updated_at"])
        note = _("Geen eensluidend oordeel (ronde %(n)d)") % {"n": item.round}
        if item.escalate:
            note += "; " + _("te escaleren naar de lokale driehoek")
        record_event(user, signal, EventKind.STATUS, note)
        sync_signal_permissions(signal)
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    session.save(update_fields=["status", "closed_at"])
    return unresolved


def _rounds_without_unanimity(signal: Signal) -> int:
    """Rule 4: the rounds that ended without three equal votes ("geen eensluidend oordeel");
    a unanimous "nadere duiding" is a decision, not such a round."""
    return signal.agenda_items.filter(status=ItemStatus.NO_CONSENSUS).count()


# -- votes and the unanimity rule ------------------------------------------------------------


@transaction.atomic
def cast_vote(user, item: AgendaItem, outcome: str, motivation: str) -> Decision | None:
    """Cast or change the vote of the user's partner (rule 4). Who may vote is
    `readiness.voter_refusal`, what the outcome needs is `readiness.vote_prerequisites`: the
    one rule the screens show. When the three core partners' votes are equal, the
    decision is taken at once, in this transaction. The agenda item row is locked first, so
    three members voting at the same moment are handled one after the other and exactly one
    of them takes the decision."""
    with processing(ProcessingActivity.DECISION):
        item = (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("session", "signal", "signal__person", "signal__weegploeg")
            .get(pk=item.pk)
        )
        readiness = vote_prerequisites(item.signal, item)
        refusal = voter_refusal(user, item, readiness.partner_ids)
        if refusal:
            raise RuleViolation(refusal)
        motivation = (motivation or "").strip()
        if not motivation:
            raise RuleViolation(_("Geef een motivering bij uw stem."), field="motivation")
        if outcome not in Outcome.values:
            raise RuleViolation(_("Kies een geldige stem."), field="outcome")
        missing = readiness.missing_for(outcome)
        if missing:
            raise RuleViolation(missing[0].refusal, field="outcome")
        core = readiness.partner_ids
        Vote.objects.update_or_create(
            item=item,
            partner_id=user.partner_id,
            defaults={"voter": user, "outcome": outcome, "motivation": motivation,
                      "cast_at": timezone.now()},
        )
        votes = list(item.votes.select_related("partner"))
        if {v.partner_id for v in votes} == set(core) and len({v.outcome for v in votes}) == 1:
            return _take_decision(user, item, votes)
    return None


def _take_decision(user, item: AgendaItem, votes) -> Decision:
    outcome = votes[0].outcome
    reasoning = item.joint_reasoning or "\n".join(
        f"{vote.partner.name}: {vote.motivation}" for vote in sorted(votes, key=lambda v: v.pk)
    )
    decision = Decision.objects.create(
        signal=item.signal,
        item=item,
        outcome=outcome,
        reasoning=reasoning,
        invited_parties=item.invited_parties if outcome == Outcome.CASUSOVERLEG else [],
        other_party=item.other_party if outcome == Outcome.CASUSOVERLEG else "",
        referral=item.referral if outcome == Outcome.NO_CASUSOVERLEG else "",
        follow_up_on=item.follow_up_on if outcome == Outcome.NO_CASUSOVERLEG else None,
        recorded_by=user,
    )
    item.status = ItemStatus.DECIDED
    item.save(update_fields=["status"])
    signal = item.signal
    signal.status = SIGNAL_STATUS_AFTER[outcome]
    signal.save(update_fields=["status", "updated_at"])
    record_event(user, signal, EventKind.DECIDED, Outcome(outcome).label)
    sync_signal_permissions(signal)
    lifecycle.outcome_reached(signal, outcome, decision.taken_at,
                              new_weighing=conclude_reweighing(decision))
    _after_decision(decision)
    return decision


def _after_decision(decision: Decision) -> None:
    schedule_follow_ups(decision)
    # The record may wait for the periodic sweep when Redis is down; the e-mail may not.
    enqueue(generate_decision_record, decision.pk)
    enqueue(mail_decision, decision.pk, run_inline_if_unreachable=True)


@transaction.atomic
def correct_decision(user, decision: Decision, *, reasoning: str, reason: str,
                     invited_parties=None, other_party=None, referral=None,
                     follow_up_on=None) -> Decision:
    """A decision is immutable (rule 4); a correction is a new decision that refers to it,
    with a reason. The outcome itself is not corrected: a different outcome needs a new
    voting round."""
    decision = Decision.objects.select_for_update().select_related("item__session").get(
        pk=decision.pk
    )
    require_coordinator(user, decision.item.session.weegploeg)
    if not decision.is_current:
        raise RuleViolation(_("Dit besluit is al gecorrigeerd; corrigeer de laatste versie."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van de correctie."), field="reason")
    if not (reasoning or "").strip():
        raise RuleViolation(_("De motivering mag niet leeg zijn."), field="reasoning")
    parties = decision.invited_parties if invited_parties is None else sorted(set(invited_parties))
    if decision.outcome == Outcome.CASUSOVERLEG and not parties:
        raise RuleViolation(_("Noem de partijen die worden uitgenodigd."), field="invited_parties")
    correction = Decision.objects.create(
        signal_id=decision.signal_id,
        item_id=decision.item_id,
        outcome=decision.outcome,
        reasoning=reasoning.strip(),
        invited_parties=parties,
        other_party=decision.other_party if other_party is None else other_party,
        referral=decision.referral if referral is None else referral,
        follow_up_on=decision.follow_up_on if follow_up_on is None else follow_up_on,
        corrects=decision,
        correction_reason=reason,
        recorded_by=user,
    )
    record_event(user, decision.signal, EventKind.DECIDED, _("Besluit gecorrigeerd"))
    lifecycle.outcome_reached(decision.signal, correction.outcome, correction.taken_at)
    _after_decision(correction)
    return correction


@dataclasses.dataclass(frozen=True)
class DecisionLine:
    """A current decision as the signal page lists it."""

    pk: int
    outcome: str
    taken_at: datetime.datetime

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


def signal_page_context(user, signal: Signal) -> dict:
    """What the signal page shows of the weegploeg (to those who see the dossier): its
    agenda rounds and the current decision of each (one query: an agenda item has at most
    one decision that is not corrected; its three facts in one subquery, an object with its
    time as ISO text)."""
    current = _current_decisions(item=OuterRef("pk")).values(
        facts=JSONObject(pk="pk", outcome="outcome", taken_at="taken_at"))
    items = list(
        signal.agenda_items.select_related("session")
        .only("signal_id", "session_id", "round", "status", "escalate", "session__starts_at")
        .order_by("round", "pk").annotate(current_decision=Subquery(current[:1]))
    )
    decisions = sorted(
        (DecisionLine(item.current_decision["pk"], item.current_decision["outcome"],
                      datetime.datetime.fromisoformat(item.current_decision["taken_at"]))
         for item in items if item.current_decision is not None),
        key=lambda decision: (decision.taken_at, decision.pk),
    )
    return {"signal_agenda_items": items, "signal_decisions": decisions}


def current_decisions(signal: Signal):
    """The decisions of a signal that have not been corrected, oldest first."""
    return _current_decisions(signal=signal).select_related("item__session")


def _current_decisions(**lookups):
    return Decision.objects.filter(correction__isnull=True, **lookups)


# -- nadere duiding ------------------------------------------------------------------------


@transaction.atomic
def request_information(user, signal: Signal, *, question: str, partner: Partner,
                        deadline, legal_ground, external_body: str = "") -> InformationRequest:
    """Rule 5: nadere duiding asks a partner (or, through it, an outside body) a question
    with a deadline, naming the legal ground the partner is asked to share on (rule 13)."""
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    require_coordinator(user, signal.weegploeg)
    if signal.status != SignalStatus.MORE_INFORMATION:
        raise RuleViolation(_("Informatieverzoeken horen bij een besluit tot nadere duiding."))
    if partner.pk not in core_partner_ids(signal):
        raise RuleViolation(_("Kies een van de drie kernpartners."), field="assigned_partner")
    if deadline <= timezone.localdate():
        raise RuleViolation(_("De uiterste datum moet in de toekomst liggen."), field="deadline")
    if not question.strip():
        raise RuleViolation(_("Stel een vraag."), field="question")
    require_legal_ground(legal_ground)
    decision = current_decisions(signal).filter(outcome=Outcome.MORE_INFORMATION).last()
    return InformationRequest.objects.create(
        signal=signal, decision=decision, question=question.strip(), assigned_partner=partner,
        external_body=external_body.strip(), deadline=deadline, created_by=user,
        legal_ground=legal_ground,
    )


@transaction.atomic
def answer_information_request(user, request: InformationRequest, *, content: str, source: str,
                               information_date, visibility, legal_ground) -> InformationRequest:
    """The assigned partner answers; the answer becomes a contribution on the signal, with
    the legal ground it is shared on (rule 13)."""
    request = InformationRequest.objects.select_for_update().select_related("signal").get(
        pk=request.pk
    )
    if request.answered_at is not None:
        raise RuleViolation(_("Dit verzoek is al beantwoord."))
    if user.partner_id != request.assigned_partner_id:
        raise RuleViolation(_("Alleen de partner aan wie de vraag is gesteld, beantwoordt hem."))
    request.answer = add_contribution(user, request.signal, {
        "content": content, "source": source, "information_date": information_date,
        "visibility": visibility, "legal_ground": legal_ground,
    })
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_at"])
    refresh_readiness(request.signal)
    return request


def refresh_readiness(signal: Signal, today=None) -> bool:
    """Rule 5: when every information request is answered or overdue, the signal is ready
    for the agenda again. Returns whether it became ready."""
    today = today or timezone.localdate()
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.status != SignalStatus.MORE_INFORMATION:
        return False
    waiting = signal.information_requests.filter(answered_at__isnull=True, deadline__gte=today)
    if not signal.information_requests.exists() or waiting.exists():
        return False
    signal.status = SignalStatus.IN_PREPARATION
    signal.save(update_fields=["status", "updated_at"])
    record_event(None, signal, EventKind.STATUS, _("Klaar voor de agenda (informatie compleet)"))
    sync_signal_permissions(signal)
    return True
