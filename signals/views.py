"""Intake screens. Thin: each view parses the request, calls one service, renders. Every
signal is read through `signals.access` (404 for others'), every read of personal data is
recorded with `record_access`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pga.audit import record_access
from pga.authz import WEEGPLOEG_ROLES, require_role
from pga.forms import add_rule_violation
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from signals import services
from signals.access import can, get_visible_signal
from signals.forms import (
    AttachmentForm,
    ContributionForm,
    PersonForm,
    QueueFilterForm,
    RegistrationForm,
    SignalForm,
    TransferForm,
    WithdrawForm,
)
from signals.models import Attachment, Person, Signal, SignalStatus
from signals.sections import page_sections, signal_annotations

PAGE_SIZE = 25


def _form_page(request, signal, form, title, submit, intro="", multipart=False):
    """The one template for the small forms on a signal (edit, identity, attachment,
    contribution, withdrawal, transfer)."""
    return render(
        request,
        "signals/form_page.html",
        {"form": form, "forms": [form], "signal": signal, "title": title, "submit": submit,
         "intro": intro, "multipart": multipart},
    )


@require_role(*services.REGISTERING_ROLES)
@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None, request.FILES or None, prefix="signaal")
    person_form = PersonForm(request.POST or None, prefix="betrokkene")
    destination = repeat = None
    if request.method == "POST" and form.is_valid() and person_form.is_valid():
        destination = _unconfirmed_destination(request, form, person_form)
        repeat = _unconfirmed_repeat(request, form, person_form)
        if destination is None and not repeat:
            try:
                registration = services.register_signal(
                    request.user,
                    signal_fields=form.signal_fields(),
                    person_fields=person_form.cleaned_data,
                    weegploeg=form.cleaned_data["weegploeg"],
                    attachments=form.cleaned_data["attachments"],
                )
            except RuleViolation as error:
                add_rule_violation(form, error)
            else:
                return _registered(request, registration)
    if request.method == "POST" and request.FILES:
        messages.error(request, _("Kies de bijlagen opnieuw: een browser bewaart ze niet."))
    return render(
        request,
        "signals/register.html",
        {"form": form, "person_form": person_form, "forms": [person_form, form],
         "destination": destination, "repeat": repeat},
    )


def _registered(request, registration):
    signal = registration.signal
    if signal.acute_danger:
        messages.warning(
            request,
            _("De weegploeg is gewaarschuwd. Dit systeem is niet voor noodsituaties: "
              "bel bij acuut gevaar 112."),
        )
    if not can(request.user, "signals.view_signal", signal):
        # Registered for a weegploeg the registrar's partner is not part of: only the
        # receipt, kept in the session (no reference in the URL).
        request.session[RECEIPT_SESSION_KEY] = {
            "reference": signal.reference, "weegploeg": signal.weegploeg.name}
        return redirect("signals:receipt")
    messages.success(request, _("Signaal %(ref)s is geregistreerd.") % {"ref": signal.reference})
    if registration.possible_repeat:
        messages.info(
            request,
            _("Mogelijk is er eerder een signaal over deze persoon geregistreerd; "
              "de weegploeg ziet dit."),
        )
    return redirect("signals:detail", pk=signal.pk)


RECEIPT_SESSION_KEY = "signals.receipt"


def _unconfirmed_destination(request, form, person_form):
    """Rule 2: the registrar is told before saving when the typed municipality sends the
    signal to another weegploeg than the one chosen, or to one their partner is not part of
    (after which they see only the receipt). The weegploeg to confirm, or None."""
    target = services.registration_weegploeg(person_form.cleaned_data,
                                             form.cleaned_data["weegploeg"])
    chosen = form.cleaned_data["weegploeg"]
    elsewhere = target is not None and (
        (chosen is not None and chosen != target)
        or not services.registrar_sees(request.user.partner, target)
    )
    if not elsewhere or request.POST.get("naar_weegploeg") == str(target.pk):
        return None
    return target


REPEAT_SEEN = "eerder_signaal_gezien"


def _unconfirmed_repeat(request, form, person_form):
    """Rule 9: before saving, a registrar who will see the registration is told that the
    weegploeg may know the person from an earlier signal (nothing more: no reference, name,
    date or outcome) and confirms; a registrar who will see only the receipt is never told."""
    if request.POST.get(REPEAT_SEEN) == "1":
        return False
    return services.possible_repeat(request.user, person_form.cleaned_data,
                                    form.cleaned_data["weegploeg"])


@require_role(*services.REGISTERING_ROLES)
@require_GET
def receipt(request):
    """The receipt of a registration for another weegploeg: reference and receiving
    weegploeg, nothing of the signal."""
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if receipt is None:
        return redirect("signals:register")
    return render(request, "signals/receipt.html", {"receipt": receipt})


@require_role(*services.REGISTERING_ROLES)
@require_GET
def my_registrations(request):
    signals = (
        Signal.objects.visible_to(request.user)
        .filter(registered_by=request.user)
        .select_related("weegploeg", "person")
        .order_by("-registered_at", "-pk")
    )
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("pagina"))
    # The list names the persons the user registered: a read of personal data.
    record_access(request.user, model=Person, purpose=ProcessingActivity.INTAKE,
                  detail={"weergave": "mijn registraties", "pagina": page.number})
    return render(request, "signals/mine.html", {"page": page})


# Searches of the queue in this session, by opaque token: a name typed into the search never
# travels in a URL (issue 15). Kept in the session (which expires after 15 minutes and is
# cleared nightly); only the last few, so the session does not grow.
SEARCHES_KEY = "wachtrij_zoekopdrachten"
SEARCHES_KEPT = 5


def _remember_search(request, text: str) -> str:
    import secrets

    searches = dict(request.session.get(SEARCHES_KEY, {}))
    token = secrets.token_urlsafe(8)
    searches[token] = text
    request.session[SEARCHES_KEY] = dict(list(searches.items())[-SEARCHES_KEPT:])
    return token


@require_role(*WEEGPLOEG_ROLES)
@require_http_methods(["GET", "POST"])
def queue(request):
    """The queue. The search field is posted, never sent in a URL: the view keeps the term
    in the session under an opaque token and redirects to `?zoek=<token>` with the other
    filters (which hold no personal data), so paging and bookmarks carry only the token."""
    if request.method == "POST":
        params = QueryDict(mutable=True)
        for name in QueueFilterForm().fields:
            if name != "q" and request.POST.get(name):
                params[name] = request.POST[name]
        text = request.POST.get("q", "").strip()[:QueueFilterForm.base_fields["q"].max_length]
        if text:
            params["zoek"] = _remember_search(request, text)
        return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)
    data = request.GET.copy()
    data.pop("q", None)  # a name in a URL is not searched for
    token = data.get("zoek")
    if token:
        data["q"] = request.session.get(SEARCHES_KEY, {}).get(token, "")
        if not data["q"]:
            messages.info(request, _("Deze zoekopdracht is verlopen; zoek opnieuw."))
    form = QueueFilterForm(data or None)
    filters = form.cleaned_data if form.is_valid() else {}
    transfers = None
    if form.is_bound and not form.is_valid():
        # An unreadable filter shows its errors and no signals, never the whole queue.
        page = Paginator(Signal.objects.visible_to(request.user).none(), PAGE_SIZE).get_page(1)
    elif filters.get("status") == SignalStatus.TRANSFERRED:
        transfers = services.transfers_out(request.user)
        page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("pagina"))
    else:
        signals = services.queue(request.user, **filters)
        page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("pagina"))
    if filters.get("q"):
        # Searching persons is itself a processing of personal data: logged with its
        # purpose, never the query nor a hash of it (docs/adr/0005).
        detail = {"zoekopdracht": "referentie of naam"}
    else:
        # The queue lists names: a read of personal data too, logged with the page shown.
        detail = {"weergave": "wachtrij", "pagina": page.number}
    record_access(request.user, model=Person, purpose=ProcessingActivity.INTAKE, detail=detail)
    query = request.GET.copy()
    query.pop("pagina", None)
    query.pop("q", None)
    return render(
        request,
        "signals/queue.html",
        {"form": form, "page": page, "transfers": transfers is not None,
         "query": query.urlencode(), "match_notices": services.match_notices(request.user)},
    )


@require_GET
def detail(request, pk):
    user = request.user
    # Single facts of the lists and sections come with the signal row (fewer queries).
    signal = get_visible_signal(
        user, pk, annotations={**services.page_annotations(), **signal_annotations(user)}
    )
    record_access(user, signal, purpose=ProcessingActivity.INTAKE)
    as_weegploeg = can(user, "signals.view_dossier", signal)
    rows = services.page_lists(user, signal, dossier=as_weegploeg)
    context = {
        "signal": signal,
        "person": signal.person,
        "as_weegploeg": as_weegploeg,
        "can_change": signal.is_editable and can(user, "signals.change_signal", signal),
        "can_change_identity": can(user, "signals.change_signal", signal)
        and signal.status in services.OPEN_STATUSES,
        "can_contribute": can(user, "signals.contribute_signal", signal),
        "can_manage": can(user, "signals.manage_signal", signal),
        "can_transfer": services.may_transfer(user, signal),
        "show_reporter": can(user, "signals.view_reporter", signal),
        "attachments": rows["attachments"],
        "events": rows["events"],
    }
    if as_weegploeg:
        context["earlier_signals"] = rows["earlier_signals"]
        context["contributions"] = services.contributions_for(user, rows["contributions"])
        context["transfers"] = rows["transfers"]
        templates, extra = page_sections(user, signal)
        context.update(extra, section_templates=templates)
    return render(request, "signals/detail.html", context)


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    signal = get_visible_signal(request.user, pk, "signals.change_signal")
    if not signal.is_editable:
        messages.error(
            request,
            _("Dit signaal staat op de agenda of is afgehandeld; voeg informatie toe als inbreng."),
        )
        return redirect("signals:detail", pk=signal.pk)
    form = SignalForm(request.POST or None, instance=signal, prefix="signaal")
    if request.method == "GET":
        record_access(request.user, signal, purpose=ProcessingActivity.INTAKE)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.edit_signal(request.user, signal, fields)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("Het signaal is gewijzigd."))
            return redirect("signals:detail", pk=signal.pk)
    return _form_page(request, signal, form, _("Signaal wijzigen"), _("Wijzigingen opslaan"))


@require_http_methods(["GET", "POST"])
def identity(request, pk):
    signal = get_visible_signal(request.user, pk, "signals.change_signal")
    person = Person.objects.get(pk=signal.person_id)
    form = PersonForm(request.POST or None, instance=person, prefix="betrokkene")
    if request.method == "POST" and form.is_valid():
        try:
            found = services.update_identity(request.user, signal, form.cleaned_data)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("De gegevens van de betrokkene zijn bijgewerkt."))
            if found:
                messages.info(
                    request,
                    _("Mogelijk is er eerder een signaal over deze persoon geregistreerd; "
                      "de weegploeg ziet dit."),
                )
            return redirect("signals:detail", pk=signal.pk)
    else:
        record_access(request.user, person, purpose=ProcessingActivity.INTAKE)
    return _form_page(
        request, signal, form, _("Gegevens betrokkene"), _("Opslaan"),
        intro=_("Vul de identiteit aan zodra die bekend is. Voor een besluit tot casusoverleg "
                "zijn achternaam en geboortedatum nodig."),
    )


@require_http_methods(["GET", "POST"])
def add_attachment(request, pk):
    signal = get_visible_signal(request.user, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            for uploaded, content_type in form.cleaned_data["file"]:
                services.add_attachment(request.user, signal, uploaded, content_type)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("De bijlage is toegevoegd."))
            return redirect("signals:detail", pk=signal.pk)
    return _form_page(
        request, signal, form, _("Bijlage toevoegen"), _("Toevoegen"), multipart=True
    )


@require_GET
def download_attachment(request, pk, attachment_pk):
    """Attachments only through this view: authorised like the signal, audited, and always
    as a download (never rendered inline by the browser)."""
    signal = get_visible_signal(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, signal=signal)
    record_access(request.user, attachment, purpose=ProcessingActivity.INTAKE)
    return attachment_response(attachment)


def attachment_response(attachment):
    """A stored upload (a row with file, original_name and content_type) as a download,
    never rendered inline by the browser; 404 when its file is gone."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@require_http_methods(["GET", "POST"])
def contribute(request, pk):
    signal = get_visible_signal(request.user, pk, "signals.contribute_signal")
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contribution(request.user, signal, form.cleaned_data)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("Uw informatie is toegevoegd aan het dossier."))
            return redirect("signals:detail", pk=signal.pk)
    return _form_page(request, signal, form, _("Informatie inbrengen"), _("Toevoegen"))


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    signal = get_visible_signal(request.user, pk, "signals.view_dossier")
    if not can(request.user, "signals.manage_signal", signal):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_signal(request.user, signal, form.cleaned_data["reason"])
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("Het signaal is ingetrokken."))
            return redirect("signals:detail", pk=signal.pk)
    return _form_page(
        request, signal, form, _("Signaal intrekken"), _("Intrekken"),
        intro=_("Een ingetrokken signaal verlaat de wachtrij. De reden is zichtbaar voor alle "
                "drie de partners."),
    )


@require_http_methods(["GET", "POST"])
def transfer(request, pk):
    signal = get_visible_signal(request.user, pk, "signals.view_dossier")
    if not services.may_transfer(request.user, signal):
        raise PermissionDenied
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_signal(
                request.user,
                signal,
                form.cleaned_data["to_weegploeg"],
                form.cleaned_data["reason"],
                municipality=form.cleaned_data["municipality"],
            )
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(
                request,
                _("Het dossier %(ref)s is overgedragen. Uw weegploeg houdt alleen een verwijzing.")
                % {"ref": signal.reference},
            )
            return redirect("signals:queue")
    return _form_page(
        request, signal, form, _("Dossier overdragen"), _("Overdragen"),
        intro=_("De betrokkene is verhuisd: de weegploeg van de nieuwe gemeente ontvangt het "
                "hele dossier, open of besloten, met de besluiten, verslagen en "
                "bewaartermijnen. Uw weegploeg houdt alleen een verwijzing."),
    )
