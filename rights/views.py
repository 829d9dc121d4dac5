"""The person's rights (AVG): finding a person for a stated purpose, their page, the inzage
export (JSON or PDF/A, built in the background, downloaded once) and the requests they make.
Thin: each view parses the request, calls one service in `rights.services` and renders;
reads of personal data are recorded there."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pga.audit import audit_purpose
from pga.authz import has_role, require_role
from pga.forms import add_rule_violation
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from retention.models import LegalHold, SubjectRequest
from retention.views import SUBJECT_SESSION_KEY
from rights import services
from rights.forms import (
    HandleRequestForm,
    SubjectExportForm,
    SubjectRequestForm,
    SubjectSearchForm,
)


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(*services.RIGHTS_ROLES)
@require_http_methods(["GET", "POST"])
def subject_search(request):
    """POST only for the search itself: a name or BSN never ends up in a URL (and so in no
    proxy or server log)."""
    form = SubjectSearchForm(request.POST or None)
    persons = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            persons = list(services.search_persons(
                request.user, purpose=data["purpose"], case_number=data["case_number"],
                bsn=data["bsn"], name=data["name"], date_of_birth=data["date_of_birth"],
            ))
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            request.session[SUBJECT_SESSION_KEY] = {
                "purpose": data["purpose"], "case_number": data["case_number"]}
    return render(request, "rights/subject_search.html",
                  {"form": form, "forms": [form], "persons": persons})


def _stated_purpose(request):
    stated = request.session.get(SUBJECT_SESSION_KEY)
    if not stated:
        messages.info(request, _("Zoek de betrokkene eerst op, met het doel en het kenmerk van "
                                 "het verzoek."))
    return stated


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(*services.RIGHTS_ROLES)
@require_http_methods(["GET", "POST"])
def subject_person(request, pk):
    stated = _stated_purpose(request)
    if not stated:
        return redirect("rights:subject_search")
    person = services.view_person(request.user, pk, **stated)
    if person is None:
        raise Http404
    form = SubjectRequestForm(request.POST or None,
                              initial={"case_number": stated["case_number"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_request(request.user, person, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("Het verzoek is vastgelegd."))
            return redirect("rights:subject_person", pk=person.pk)
    requests = SubjectRequest.objects.visible_to(request.user).filter(
        person=person).select_related("handled_by")
    return render(request, "rights/subject_person.html", {
        "person": person, "stated": stated, "form": form, "forms": [form],
        "signals": services.person_signals(request.user, person),
        "holds": LegalHold.objects.visible_to(request.user).filter(person=person)
        .select_related("placed_by"),
        "requests": [(r, HandleRequestForm(prefix=f"verzoek-{r.pk}")) for r in requests],
        "is_admin": has_role(request.user, Role.ADMIN),
        "export_form": SubjectExportForm(),
        "exports": services.subject_exports(request.user, person)[:5],
        "keep_hours": settings.SUBJECT_EXPORT_KEEP_HOURS,
    })


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(*services.RIGHTS_ROLES)
@require_POST
def subject_request_handle(request, pk, request_pk):
    subject_request = get_object_or_404(SubjectRequest.objects.visible_to(request.user),
                                        pk=request_pk, person_id=pk)
    form = HandleRequestForm(request.POST, prefix=f"verzoek-{subject_request.pk}")
    if form.is_valid():
        try:
            services.handle_request(request.user, subject_request, **form.cleaned_data)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("De afhandeling is vastgelegd."))
    else:
        messages.error(request, _("Kies de uitkomst en beschrijf de afhandeling."))
    return redirect("rights:subject_person", pk=pk)


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(*services.RIGHTS_ROLES)
@require_POST
def subject_export(request, pk):
    """Ask for the inzage export (JSON or PDF), for the purpose stated at the search; it is
    built in the background and its page shows when it is ready. The reporter's identity
    only when `melder` is ticked."""
    stated = _stated_purpose(request)
    if not stated:
        return redirect("rights:subject_search")
    person = services.person_in_scope(request.user, pk)
    if person is None:
        raise Http404
    form = SubjectExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies JSON of PDF."))
        return redirect("rights:subject_person", pk=person.pk)
    try:
        export = services.request_subject_export(
            request.user, person, export_format=form.cleaned_data["export_format"],
            include_reporter=form.cleaned_data["melder"], **stated)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("rights:subject_person", pk=person.pk)
    return redirect("rights:subject_export_status", pk=person.pk, export_pk=export.pk)


# While an export is being made its page reloads itself (a meta refresh, no JavaScript).
REFRESH_SECONDS = 3


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(*services.RIGHTS_ROLES)
@require_GET
def subject_export_status(request, pk, export_pk):
    """The state of one's own export: being made, ready (with the download link), failed,
    downloaded or expired. It shows no personal data, so it is not an audited read."""
    export = services.subject_export_in_scope(request.user, pk, export_pk)
    if export is None:
        raise Http404
    return render(request, "rights/subject_export.html", {
        "export": export, "refresh_seconds": REFRESH_SECONDS if export.is_waiting else None,
        "keep_hours": settings.SUBJECT_EXPORT_KEEP_HOURS,
    })


@audit_purpose(ProcessingActivity.SUBJECT_RIGHTS)
@require_role(*services.RIGHTS_ROLES)
@require_GET
def subject_export_download(request, pk, export_pk):
    """The export's file, once (audited); it is removed afterwards."""
    export = services.subject_export_in_scope(request.user, pk, export_pk)
    if export is None:
        raise Http404
    try:
        content, content_type, filename = services.download_subject_export(request.user, export)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("rights:subject_export_status", pk=pk, export_pk=export.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
