"""Screens of the referentiekader and the weging. Thin: each view parses the request, calls
one service, renders. Signals are read through `signals.access.get_visible_signal` (404 for
others'); reads of an assessment's content are recorded with `record_access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from criteria import assessments, frameworks, selectors, version_counts
from criteria.comparison import partner_comparison, prefill
from criteria.forms import AssessmentForm, FrameworkDraftForm
from criteria.models import AssessmentKind, Framework, FrameworkStatus
from pga.audit import audit_purpose, record_access
from pga.authz import require_role
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from signals.access import get_visible_signal

DOSSIER = "signals.view_dossier"


def _show_errors(form, error: RuleViolation):
    """A refused service call becomes form errors, each next to its field where it has one."""
    errors = getattr(error, "errors", None) or {error.field: error.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


# -- public --------------------------------------------------------------------------------


def _with_outcome_counts(versions) -> list:
    """Each public version with the anonymous count of outcomes under it
    (`criteria.version_counts`)."""
    counts = version_counts.outcome_counts()
    versions = list(versions)
    for version in versions:
        version.outcome_counts = counts.get(version.pk, [])
    return versions


def _framework_page(request, framework):
    return render(
        request,
        "criteria/framework.html",
        {
            "framework": framework,
            "versions": _with_outcome_counts(selectors.public_versions()),
        },
    )


@login_not_required
@require_GET
def public_framework(request):
    """The published referentiekader, for anyone: no login, no personal data."""
    return _framework_page(request, selectors.published_framework())


@login_not_required
@require_GET
def framework_version(request, version):
    """An earlier (or the current) published version; drafts are never public."""
    framework = get_object_or_404(
        selectors.with_content(selectors.public_versions()), version=version
    )
    return _framework_page(request, framework)


# -- the weging of a signal ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def partner_assessment(request, signal_pk):
    signal = get_visible_signal(request.user, signal_pk, DOSSIER)
    if not selectors.may_record_partner_assessment(request.user, signal):
        raise PermissionDenied
    return _assessment_form(request, signal, AssessmentKind.PARTNER)


@require_http_methods(["GET", "POST"])
def joint_assessment(request, signal_pk):
    signal = get_visible_signal(request.user, signal_pk, DOSSIER)
    if not selectors.may_record_joint_assessment(request.user, signal):
        raise PermissionDenied
    return _assessment_form(request, signal, AssessmentKind.JOINT)


def _assessment_form(request, signal, kind):
    user = request.user
    framework = selectors.published_framework()
    if framework is None:
        messages.error(request, _("Er is geen gepubliceerd referentiekader."))
        return render(request, "criteria/assessment_form.html", {"signal": signal, "kind": kind})
    partner_id = user.partner_id if kind == AssessmentKind.PARTNER else None
    previous = selectors.latest_assessment(signal, kind, partner_id)
    if previous is not None:
        # The form shows the current assessment's content to start from.
        record_access(user, previous, purpose=ProcessingActivity.ASSESSMENT)
    comparison = []
    if kind == AssessmentKind.JOINT:
        comparison, shown = partner_comparison(user, signal, framework)
        for view in shown:
            record_access(user, view, purpose=ProcessingActivity.ASSESSMENT)
    form = AssessmentForm(
        request.POST or None,
        framework=framework,
        kind=kind,
        partners=signal.weegploeg.partners(),
        previous=previous,
        prefill=prefill(comparison),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if kind == AssessmentKind.JOINT:
                assessment = assessments.record_joint_assessment(
                    user, signal, form.judgements(), form.cleaned_data["conclusion"],
                    form.observations(),
                )
            else:
                assessment = assessments.record_partner_assessment(
                    user, signal, form.judgements(), form.observations(),
                    visibility=form.cleaned_data["visibility"],
                    conclusion=form.cleaned_data["conclusion"],
                )
        except RuleViolation as error:
            _show_errors(form, error)
        else:
            if selectors.is_complete(assessment):
                messages.success(request, _("De weging is vastgelegd en is volledig."))
            else:
                messages.warning(
                    request,
                    _("De weging is vastgelegd, maar is nog niet volledig: niet elk criterium "
                      "heeft een oordeel."),
                )
            return redirect("criteria:assessment", signal_pk=signal.pk, pk=assessment.pk)
    return render(
        request,
        "criteria/assessment_form.html",
        {"signal": signal, "kind": kind, "form": form, "framework": framework,
         "previous": previous, "comparison": comparison},
    )


@require_GET
def assessment_detail(request, signal_pk, pk):
    user = request.user
    signal = get_visible_signal(user, signal_pk, DOSSIER)
    entry = selectors.assessment_entry(user, signal, pk)
    if entry is None:
        raise Http404
    assessment = entry.assessment
    changes = []
    if not entry.shielded:
        record_access(user, assessment, purpose=ProcessingActivity.ASSESSMENT)
        earlier = assessment.supersedes
        if earlier is not None and not earlier.is_shielded_for(user.partner_id):
            changes = selectors.changes_between(earlier, assessment)
    return render(
        request,
        "criteria/assessment_detail.html",
        {"signal": signal, "entry": entry, "assessment": assessment, "changes": changes},
    )


# -- functioneel beheer --------------------------------------------------------------------


@audit_purpose(ProcessingActivity.MANAGEMENT)
@require_role(Role.ADMIN)
@require_GET
def manage_frameworks(request):
    return render(
        request,
        "criteria/manage_list.html",
        {
            "frameworks": Framework.objects.select_related("published_by", "created_by"),
            "has_draft": Framework.objects.filter(status=FrameworkStatus.DRAFT).exists(),
        },
    )


@audit_purpose(ProcessingActivity.MANAGEMENT)
@require_role(Role.ADMIN)
@require_POST
def create_draft(request):
    try:
        draft = frameworks.create_draft(request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("criteria:manage")
    messages.success(
        request, _("Conceptversie %(version)s is aangemaakt.") % {"version": draft.version}
    )
    return redirect("criteria:edit_draft", version=draft.version)


@audit_purpose(ProcessingActivity.MANAGEMENT)
@require_role(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def edit_draft(request, version):
    framework = get_object_or_404(selectors.with_content(Framework.objects.all()), version=version)
    form = FrameworkDraftForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            frameworks.update_draft(
                request.user,
                framework,
                notes=form.cleaned_data["notes"],
                criteria=form.criteria(),
                indicators=form.indicators(),
            )
        except RuleViolation as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("De conceptversie is opgeslagen."))
            return redirect("criteria:edit_draft", version=framework.version)
    return render(request, "criteria/manage_edit.html", {"framework": framework, "form": form})


@audit_purpose(ProcessingActivity.MANAGEMENT)
@require_role(Role.ADMIN)
@require_POST
def publish(request, version):
    framework = get_object_or_404(Framework, version=version)
    try:
        frameworks.publish(request.user, framework)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("criteria:edit_draft", version=framework.version)
    messages.success(
        request,
        _("Versie %(version)s is gepubliceerd; de vorige versie is vervallen. Eerdere wegingen "
          "blijven bij hun eigen versie.") % {"version": framework.version},
    )
    return redirect("criteria:manage")
