"""The page "Na het besluit" of a signal (docs/design.md §3 rule 12): its follow-ups, the
re-weighings, the escalations to the lokale driehoek and a transfer to take in. Members read
it; the procesregisseur records on it. Thin: the signal through its one scope (404 for
others), each form calls one service, the read is audited."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pga.audit import audit_purpose, record_access
from pga.authz import WEEGPLOEG_ROLES, has_role, require_role
from pga.forms import add_rule_violation
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from signals.access import get_visible_signal
from signals.models import SignalStatus
from signals.services import acknowledge_transfer, transfers_in
from weegploeg import escalation, follow_up, reweighing
from weegploeg.forms import (
    DriehoekOutcomeForm,
    EscalationForm,
    FollowUpForm,
    ReweighingForm,
    TransferReceiptForm,
)
from weegploeg.models import Escalation, FollowUp, Reweighing


def _record_follow_up(user, signal, data):
    follow_up.record_follow_up(
        user, data["follow_up"], checked=data["checked"], result=data["result"],
        referral_result=data["referral_result"], taken_up_by=data["taken_up_by"],
        next_on=data["next_on"])
    return _("De opvolging is vastgelegd.")


def _reopen(user, signal, data):
    reweighing.reopen_for_weighing(user, signal, reason_kind=data["reason_kind"],
                                   reason=data["reason"])
    return _("Het signaal staat weer in de wachtrij om opnieuw te worden gewogen. Zet het op "
             "de agenda van een overleg.")


def _escalate(user, signal, data):
    escalation.record_escalation(user, data["item"], sent_on=data["sent_on"],
                                 sent_to=data["sent_to"])
    return _("De escalatie naar de lokale driehoek is vastgelegd.")


def _driehoek_outcome(user, signal, data):
    escalation.record_driehoek_outcome(
        user, data["escalation"], outcome=data["outcome"], outcome_on=data["outcome_on"],
        outcome_text=data["outcome_text"])
    return _("De uitkomst van de lokale driehoek is vastgelegd.")


def _receive(user, signal, data):
    acknowledge_transfer(user, data["transfer"])
    return _("Het dossier is in ontvangst genomen.")


# Button name → (the service call, its form).
ACTIONS = {
    "opvolging": _record_follow_up,
    "herwegen": _reopen,
    "escaleren": _escalate,
    "uitkomst": _driehoek_outcome,
    "ontvangen": _receive,
}


def _forms(user, signal, data, action):
    """The forms the procesregisseur can use on this signal now (None where nothing is to
    be done); only the posted one is bound."""
    def bound(name):
        return data if name == action else None

    open_follow_ups = follow_up.open_follow_ups(user, signal)
    flagged = escalation.flagged_items(signal).filter(escalation__isnull=True)
    waiting = Escalation.objects.visible_to(user).filter(signal=signal, outcome="")
    received = transfers_in(user).filter(signal=signal)
    may_reopen = (signal.status == SignalStatus.DECIDED
                  and reweighing.latest_closing_decision(signal) is not None
                  and not signal.reweighings.filter(decision__isnull=True).exists())
    return {
        "opvolging": (FollowUpForm(open_follow_ups, bound("opvolging"))
                      if open_follow_ups.exists() else None),
        "herwegen": ReweighingForm(bound("herwegen")) if may_reopen else None,
        "escaleren": EscalationForm(flagged, bound("escaleren")) if flagged.exists() else None,
        "uitkomst": (DriehoekOutcomeForm(waiting, bound("uitkomst"))
                     if waiting.exists() else None),
        "ontvangen": (TransferReceiptForm(received, bound("ontvangen"),
                                          initial={"transfer": received.first()})
                      if received.exists() else None),
    }


@audit_purpose(ProcessingActivity.DECISION)
@require_role(*WEEGPLOEG_ROLES)
@require_http_methods(["GET", "POST"])
def after_decision(request, pk):
    user = request.user
    signal = get_visible_signal(user, pk, "signals.view_dossier")
    action = next((name for name in ACTIONS if name in request.POST), None)
    forms = {}
    if has_role(user, Role.COORDINATOR):
        forms = _forms(user, signal, request.POST if request.method == "POST" else None, action)
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                message = ACTIONS[action](user, signal, form.cleaned_data)
            except RuleViolation as error:
                add_rule_violation(form, error)
            else:
                messages.success(request, message)
                return redirect("weegploeg:after_decision", pk=signal.pk)
    else:
        record_access(user, signal, purpose=ProcessingActivity.DECISION,
                      detail={"weergave": "na het besluit"})
    return render(request, "weegploeg/after_decision.html", {
        "signal": signal,
        "follow_ups": (FollowUp.objects.visible_to(user).filter(signal=signal)
                       .select_related("decision", "recorded_by")),
        "reweighings": (Reweighing.objects.visible_to(user).filter(signal=signal)
                        .select_related("earlier_decision", "decision", "requested_by")),
        "flagged": escalation.flagged_items(signal),
        "actions": forms,
        "forms": [form for form in forms.values() if form is not None],
    })
