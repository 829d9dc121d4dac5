"""The person's rights (AVG): finding a person for a stated purpose, their page, the inzage
export (JSON or PDF/A) and the requests they make. Thin: each view parses the request, calls
one service in `rights.services` and renders; reads of personal data are recorded there."""

import json

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
from rights.forms import HandleRequestForm, SubjectRequestForm, SubjectSearchForm


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
@require_GET
def subject_export(request, pk, export_format):
    """The inzage export, JSON or PDF. The reporter's identity only with `?melder=1`."""
    stated = _stated_purpose(request)
    if not stated:
        return redirect("rights:subject_search")
    person = services.person_in_scope(request.user, pk)
    if person is None:
        raise Http404
    data = services.subject_access_data(
        request.user, person, include_reporter=request.GET.get("melder") == "1",
        export_format=export_format, **stated,
    )
    filename = f"inzage-betrokkene-{person.pk}"
    if export_format == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    response = HttpResponse(services.subject_access_pdf(data),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response
