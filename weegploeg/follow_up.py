"""Follow-up dates that act (docs/design.md §3 rule 12): after a decision the procesregisseur
looks at the case again on set dates, and each such date stays on the work list until what
was checked is recorded.

- **Which dates.** The decision's own follow-up date; after "geen casusoverleg" with an
  onward referral that date is the check of the referral (without a date:
  `REFERRAL_CHECK_DAYS` after the decision); a review after each of the months in
  `REVIEW_MONTHS_CASUSOVERLEG` / `REVIEW_MONTHS_NO_CASUSOVERLEG` after the decision.
  "Nadere duiding" gets none: the signal is back in the queue.
- **A correction** replaces the open dates of the decision it corrects; what was recorded
  stays, and a review date already recorded is not planned again.
- **Reminder.** On the date the procesregisseurs of the signal's weegploeg get one mail,
  references only.
- **Recording** what was checked and the result (for a referral: taken up by whom, or not)
  closes the date; a next date opens a new one of the same kind.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from signals.models import EventKind
from signals.services import record_event
from signals.tasks import mail_coordinators
from weegploeg.models import (
    Decision,
    FollowUp,
    FollowUpKind,
    Outcome,
    Referral,
    ReferralResult,
)
from weegploeg.roles import require_coordinator


def review_months(outcome: str) -> list[int]:
    """The configured review moments of an outcome, in months after the decision."""
    return {
        Outcome.CASUSOVERLEG: settings.REVIEW_MONTHS_CASUSOVERLEG,
        Outcome.NO_CASUSOVERLEG: settings.REVIEW_MONTHS_NO_CASUSOVERLEG,
    }.get(outcome, [])


def planned_dates(decision: Decision, decided_on: datetime.date) -> list[tuple[str, datetime.date]]:
    """(kind, date) of the follow-ups a decision taken on `decided_on` asks for."""
    if decision.outcome == Outcome.MORE_INFORMATION:
        return []
    dates = []
    if decision.referral and decision.referral != Referral.NONE:
        dates.append((FollowUpKind.REFERRAL, decision.follow_up_on or (
            decided_on + datetime.timedelta(days=settings.REFERRAL_CHECK_DAYS))))
    elif decision.follow_up_on:
        dates.append((FollowUpKind.FOLLOW_UP, decision.follow_up_on))
    dates += [(FollowUpKind.REVIEW, decided_on + relativedelta(months=months))
              for months in sorted(set(review_months(decision.outcome)))]
    return dates


def schedule_follow_ups(decision: Decision) -> list[FollowUp]:
    """Plan the follow-ups of a new or corrected decision, in the caller's transaction."""
    first = decision
    while first.corrects_id is not None:
        first = first.corrects
    if decision.corrects_id is not None:
        # One save/delete per row (audited, ADR 0002): the corrected decision's open dates go.
        for open_one in FollowUp.objects.filter(decision_id=decision.corrects_id,
                                                recorded_at__isnull=True):
            open_one.delete()
    recorded = set(FollowUp.objects.filter(signal_id=decision.signal_id,
                                           recorded_at__isnull=False)
                   .values_list("kind", "due_on"))
    decided_on = timezone.localdate(first.taken_at)
    return [
        FollowUp.objects.create(signal_id=decision.signal_id, decision=decision, kind=kind,
                                due_on=due_on)
        for kind, due_on in planned_dates(decision, decided_on)
        if (kind, due_on) not in recorded
    ]


def open_follow_ups(user, signal):
    """The signal's follow-ups not yet recorded, as the user sees them."""
    return FollowUp.objects.visible_to(user).filter(signal=signal, recorded_at__isnull=True)


@transaction.atomic
def record_follow_up(user, follow_up: FollowUp, *, checked: str, result: str,
                     referral_result: str = "", taken_up_by: str = "",
                     next_on: datetime.date | None = None) -> FollowUp:
    """The procesregisseur records what was checked and the result; for an onward referral
    also whether it was taken up ("opgepakt door …") or not. A next date opens a new
    follow-up of the same kind; the recorded one leaves the work list."""
    with processing(ProcessingActivity.DECISION):
        follow_up = (FollowUp.objects.select_for_update().select_related("signal__weegploeg")
                     .get(pk=follow_up.pk))
        require_coordinator(user, follow_up.signal.weegploeg)
        if not follow_up.is_open:
            raise RuleViolation(_("Deze opvolging is al vastgelegd."))
        checked, result = (checked or "").strip(), (result or "").strip()
        taken_up_by = (taken_up_by or "").strip()
        if not checked:
            raise RuleViolation(_("Beschrijf wat is nagegaan."), field="checked")
        if not result:
            raise RuleViolation(_("Geef het resultaat."), field="result")
        if follow_up.kind == FollowUpKind.REFERRAL:
            if referral_result not in ReferralResult.values:
                raise RuleViolation(_("Geef aan of de doorverwijzing is opgepakt."),
                                    field="referral_result")
            if referral_result == ReferralResult.TAKEN_UP and not taken_up_by:
                raise RuleViolation(_("Noem wie de doorverwijzing heeft opgepakt."),
                                    field="taken_up_by")
        else:
            referral_result, taken_up_by = "", ""
        today = timezone.localdate()
        if next_on is not None and next_on <= today:
            raise RuleViolation(_("De volgende datum moet in de toekomst liggen."),
                                field="next_on")
        follow_up.checked, follow_up.result = checked, result
        follow_up.referral_result, follow_up.taken_up_by = referral_result, taken_up_by
        follow_up.next_on = next_on
        follow_up.recorded_at = timezone.now()
        follow_up.recorded_by = user
        follow_up.save()
        if next_on is not None:
            FollowUp.objects.create(signal_id=follow_up.signal_id,
                                    decision_id=follow_up.decision_id, kind=follow_up.kind,
                                    due_on=next_on)
        record_event(user, follow_up.signal, EventKind.STATUS,
                     _("%(kind)s vastgelegd") % {"kind": follow_up.get_kind_display()})
    return follow_up


def send_follow_up_reminders(today: datetime.date | None = None) -> int:
    """Daily: tell the procesregisseurs of the signal's weegploeg that a follow-up date has
    come — once per follow-up (`reminded_on`). References only, no personal data."""
    today = today or timezone.localdate()
    due = FollowUp.objects.filter(recorded_at__isnull=True, reminded_on__isnull=True,
                                  due_on__lte=today).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic(), processing(ProcessingActivity.DECISION):
            follow_up = (FollowUp.objects.select_for_update(of=("self",))
                         .select_related("signal__weegploeg").get(pk=pk))
            if follow_up.reminded_on is not None or not follow_up.is_open:
                continue
            signal = follow_up.signal
            subject = _("%(kind)s bereikt bij signaal %(ref)s") % {
                "kind": follow_up.get_kind_display(), "ref": signal.reference}
            body = _("Signaal %(ref)s: %(kind)s op %(date)s. Leg in Weegploeg vast wat is "
                     "nagegaan en met welk resultaat.") % {
                "ref": signal.reference, "kind": follow_up.get_kind_display().lower(),
                "date": follow_up.due_on.strftime("%d-%m-%Y")}
            sent += mail_coordinators(signal.weegploeg, subject, body)
            follow_up.reminded_on = today
            follow_up.save(update_fields=["reminded_on"])
    return sent
