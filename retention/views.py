"""Retention screens: the overview for the functioneel beheerder and the FG, the rules and
legal holds, the coordinator's notifications and signals without a decision (the person's
rights are in `rights.views`). Thin: each view parses the request, calls one service
and renders; reads of personal data are recorded by the services they call."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from pga.audit import audit_purpose, record_access
from pga.authz import has_role, require_role, weegploegen_of
from pga.forms import add_rule_violation
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from retention import clock, holds, notifications, selectors
from retention.forms import (
    EndHoldForm,
    HoldForm,
    NotificationForm,
    RuleForm,
)
from retention.models import (
    DeletedSignal,
    LegalHold,
    PurgeFailure,
    RetentionRule,
)
from signals.models import Person, Signal

OVERVIEW_ROLES = (Role.ADMIN, Role.AUDITOR)
# The purpose and case number stated at the search of a person (`rights.views`), carried to
# the person's page, exports and holds, and recorded with each of those reads.
SUBJECT_SESSION_KEY = "retention_subject_purpose"



# -- overview, rules, holds ----------------------------------------------------------------


@require_role(*OVERVIEW_ROLES)
@require_GET
def overview(request):
    today = timezone.localdate()
    user = request.user
    active = holds.active_holds().visible_to(user).select_related("signal", "placed_by")
    tombstones = DeletedSignal.objects.visible_to(user)
    return render(request, "retention/overview.html", {
        "today": today,
        "rules": RetentionRule.objects.select_related("updated_by", "recomputed_by"),
        "per_month": selectors.deletions_due_per_month(user, today),
        "holds": active.filter(until__gte=today),
        "expired_holds": active.filter(until__lt=today),
        "runs": selectors.runs_with_results(user)[:10],
        "without_deletion_date": clock.closed_without_clock().filter(
            weegploeg__in=weegploegen_of(user)).count(),
        "pending_files": tombstones.exclude(pending_files=[]).count(),
        "tombstones": tombstones.count(),
        "purge_enabled": settings.RETENTION_PURGE_ENABLED,
        "min_age_days": settings.RETENTION_MIN_AGE_DAYS,
        "max_per_run": settings.RETENTION_MAX_PER_RUN,
        "is_admin": has_role(request.user, Role.ADMIN),
    })


@require_role(*OVERVIEW_ROLES)
@require_GET
def run_detail(request, pk):
    run = get_object_or_404(selectors.runs_with_results(request.user), pk=pk)
    return render(request, "retention/run.html", {
        "run": run,
        "tombstones": DeletedSignal.objects.visible_to(request.user).filter(purge_run=run)
        .select_related("weegploeg").order_by("reference"),
        "failures": PurgeFailure.objects.visible_to(request.user).filter(run=run),
    })


@require_role(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def rule_edit(request, basis):
    rule = get_object_or_404(RetentionRule, basis=basis)
    form = RuleForm(request.POST if "opslaan" in request.POST else None, instance=rule)
    if request.method == "POST":
        try:
            if "herberekenen" in request.POST:
                changed = clock.recompute_deletion_dates(request.user, rule)
                messages.success(request, ngettext(
                    "De vernietigingsdatum van %(n)d signaal is herberekend of vastgesteld.",
                    "De vernietigingsdatum van %(n)d signalen is herberekend of vastgesteld.",
                    changed) % {"n": changed})
                return redirect("retention:overview")
            if form.is_valid():
                clock.update_rule(request.user, rule, **form.cleaned_data)
                messages.success(request, _("De bewaartermijn is gewijzigd. Hij geldt voor "
                                            "termijnen die vanaf nu gaan lopen."))
                return redirect("retention:overview")
        except RuleViolation as error:
            add_rule_violation(form, error)
    rule.refresh_from_db()
    return render(request, "retention/rule_form.html", {
        "rule": rule, "form": form, "forms": [form],
        "running": Signal.objects.filter(retention_basis=rule.basis).count(),
    })


@require_role(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def hold_create(request):
    person = None
    if "betrokkene" in request.GET:
        # A hold on a person is placed from their page, reached by an audited search.
        if not request.session.get(SUBJECT_SESSION_KEY):
            return redirect("rights:subject_search")
        if not request.GET["betrokkene"].isdigit():
            raise Http404
        person = Person.objects.visible_to(request.user).filter(
            pk=request.GET["betrokkene"]).select_related("municipality").first()
        if person is None:
            raise Http404
    form = HoldForm(request.POST or None, for_person=person is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signal = None
        if person is None:
            signal = holds.find_signal(request.user, data["reference"])
            if signal is None:
                form.add_error("reference", _("Er is geen signaal met dit referentienummer."))
        if not form.errors:
            try:
                holds.place_hold(request.user, reason=data["reason"], until=data["until"],
                                    signal=signal, person=person)
            except RuleViolation as error:
                add_rule_violation(form, error)
            else:
                messages.success(request, _("De juridische blokkade is ingesteld."))
                return redirect("retention:overview")
    return render(request, "retention/hold_form.html",
                  {"form": form, "forms": [form], "person": person})


@require_role(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def hold_end(request, pk):
    hold = get_object_or_404(LegalHold.objects.visible_to(request.user).select_related("signal"),
                             pk=pk)
    form = EndHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            holds.end_hold(request.user, hold, form.cleaned_data["end_reason"])
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("De juridische blokkade is beëindigd."))
            return redirect("retention:overview")
    return render(request, "retention/hold_end.html", {"hold": hold, "form": form,
                                                       "forms": [form]})


# -- the coordinator: notifications and signals without a decision ---------------------------


@require_role(Role.COORDINATOR)
@require_GET
def notification_overview(request):
    return render(request, "retention/notifications.html",
                  {**notifications.open_notifications(request.user),
                   "today": timezone.localdate()})


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def notification_record(request, pk):
    decision = notifications.get_decision_for_notification(request.user, pk)
    if decision is None:
        raise Http404
    current = getattr(decision, "notification", None)
    initial = {}
    if current is not None:
        initial = {field: getattr(current, field) for field in NotificationForm.base_fields}
    form = NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notifications.record_notification(request.user, decision, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("De notificatie is vastgelegd."))
            return redirect("retention:notifications")
    # Who notified the person, or the ground for postponing: a read of personal data.
    record_access(request.user, current or decision, purpose=ProcessingActivity.SUBJECT_RIGHTS)
    return render(request, "retention/notification_form.html", {
        "decision": decision, "signal": decision.signal, "current": current, "form": form,
        "forms": [form],
    })


@require_role(Role.COORDINATOR)
@require_GET
def stale_signals(request):
    return render(request, "retention/stale.html", {
        "signals": selectors.stale_signals(request.user)[:200],
        "days": settings.STALE_SIGNAL_DAYS,
    })
