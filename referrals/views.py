"""The public meldpunt form (the only public views of this app) and the meldpunt's intake.
Thin: each view parses the request, calls one service, renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from pga.audit import record_access
from pga.authz import require_role
from pga.models import Partner, PartnerKind, ProcessingActivity, Role
from pga.services import RuleViolation
from referrals import services
from referrals.forms import AcceptForm, DeclineForm, FeedbackTextForm, ReferralForm
from referrals.models import Submission, SubmissionAttachment, SubmissionStatus
from signals.views import attachment_response


def _public_gemeente(code):
    return get_object_or_404(Partner, kind=PartnerKind.GEMEENTE, weegploeg__isnull=False,
                             code=code)


def _gemeente_key(group, request):
    return request.resolver_match.kwargs["gemeente"]


def _over_limit(request, *, increment: bool) -> bool:
    """The public form's rate limits (django-ratelimit): per client address and per gemeente.
    Only stored referrals count (`increment`), so correcting a form does not use them up."""
    limits = [("referrals:address", "ip", settings.REFERRAL_RATE_PER_ADDRESS),
              ("referrals:gemeente", _gemeente_key, settings.REFERRAL_RATE_PER_GEMEENTE)]
    over = [is_ratelimited(request, group=group, key=key, rate=rate, method="POST",
                           increment=increment) for group, key, rate in limits]
    return any(over)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_form(request, gemeente):
    """The meldpunt of a gemeente, for professionals without an account. Write-only: after
    sending, the page shows the receipt number and nothing else (no redirect to a page that
    could be opened again, nothing of what was sent)."""
    gemeente = _public_gemeente(gemeente)
    context = {"gemeente": gemeente}
    if request.method == "POST" and _over_limit(request, increment=False):
        return render(request, "referrals/limited.html", context, status=429)
    form = ReferralForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, increment=True):
            return render(request, "referrals/limited.html", context, status=429)
        try:
            submission = services.submit_referral(gemeente, form.submission_fields(),
                                                  form.cleaned_data["attachments"])
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            return render(request, "referrals/receipt.html",
                          {**context, "receipt_number": submission.receipt_number})
    return render(request, "referrals/public_form.html",
                  {**context, "form": form, "forms": [form]})


@require_role(Role.MELDPUNT)
@require_GET
def intake(request):
    """The meldpunt's list: its own gemeente's referrals, waiting ones first."""
    status = request.GET.get("status", SubmissionStatus.RECEIVED)
    if status not in SubmissionStatus.values:
        status = SubmissionStatus.RECEIVED
    return render(request, "referrals/intake.html", {
        "submissions": services.intake(request.user, status)[:200],
        "status": status,
        "statuses": SubmissionStatus.choices,
    })


@require_http_methods(["GET", "POST"])
def submission(request, pk):
    """One referral: read it, then accept it as a signal or decline it with a reason.
    Another gemeente's referral does not exist here (404)."""
    item = Submission.objects.visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    accept_form = AcceptForm(request.POST if "accepteren" in request.POST else None,
                             prefix="accepteren")
    decline_form = DeclineForm(request.POST if "afwijzen" in request.POST else None,
                               prefix="afwijzen")
    if request.method == "POST":
        form = accept_form if "accepteren" in request.POST else decline_form
        if form.is_valid():
            try:
                if form is accept_form:
                    registration = services.accept_submission(
                        request.user, item, phenomenon=form.cleaned_data["phenomenon"])
                    messages.success(request, _("De melding is geaccepteerd als signaal %(ref)s.")
                                     % {"ref": registration.signal.reference})
                else:
                    services.decline_submission(request.user, item, form.cleaned_data["reason"])
                    messages.success(request, _("De melding is afgewezen."))
            except RuleViolation as error:
                form.add_error(error.field if error.field in form.fields else None,
                               error.message)
            else:
                return redirect("referrals:intake")
    record_access(request.user, item, purpose=ProcessingActivity.INTAKE)
    return render(request, "referrals/submission.html", {
        "submission": item,
        "attachments": list(item.attachments.all()),
        "accept_form": accept_form,
        "decline_form": decline_form,
        "forms": [accept_form, decline_form],
    })


@require_GET
def attachment(request, pk, attachment_pk):
    """A file sent with a referral, for the meldpunt of its gemeente only (404 for anyone
    else), audited, as a download. The public side has no way to read it back."""
    item = Submission.objects.visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    upload = get_object_or_404(SubmissionAttachment, pk=attachment_pk, submission=item)
    record_access(request.user, upload, purpose=ProcessingActivity.INTAKE)
    return attachment_response(upload)


@require_role(Role.MELDPUNT)
@require_http_methods(["GET", "POST"])
def feedback_text(request):
    """The standard text the meldpunt of a gemeente adds to its messages to reporters."""
    partner = request.user.partner
    is_gemeente = partner is not None and partner.kind == PartnerKind.GEMEENTE
    form = FeedbackTextForm(
        request.POST or None,
        initial={"text": services.feedback_text(partner)} if is_gemeente else None,
    )
    if request.method == "POST" and is_gemeente and form.is_valid():
        try:
            services.set_feedback_text(request.user, form.cleaned_data["text"])
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("De standaardtekst is opgeslagen."))
            return redirect("referrals:feedback_text")
    return render(request, "referrals/feedback_text.html", {
        "form": form, "forms": [form], "is_gemeente": is_gemeente,
    })
