"""Weegploeg screens: sessions, the agenda, voting, decisions and their records. Thin views:
every session, item, decision, record, request and export is looked up through its model's
one scope (`visible_to`; 404 for others), each action calls one service, and reads of
personal data are recorded."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from criteria.selectors import latest_joint_assessment
from pga.audit import record_access
from pga.authz import (
    WEEGPLOEG_ROLES,
    deny_unless_role,
    has_role,
    require_role,
    weegploegen_of,
)
from pga.forms import add_rule_violation
from pga.models import Partner, ProcessingActivity, Role
from pga.services import RuleViolation
from signals.access import get_visible_signal
from signals.models import Person
from signals.services import core_partner_ids, earlier_signals
from weegploeg import services
from weegploeg.forms import (
    AddItemForm,
    AnswerForm,
    AttendanceForm,
    CorrectionForm,
    InformationRequestForm,
    IntegralStatementForm,
    OpenSessionForm,
    PrepareForm,
    SessionForm,
    VoteForm,
)
from weegploeg.integral import state_consultation, statements_of
from weegploeg.models import (
    AgendaItem,
    Decision,
    DecisionRecord,
    ExportStatus,
    InformationRequest,
    ItemStatus,
    Outcome,
    Session,
    SessionExport,
    SessionStatus,
    Vote,
)
from weegploeg.readiness import (
    items_readiness,
    member_refusal,
    vote_prerequisites,
    voter_refusal,
)
from weegploeg.reweighing import reweighing_of


def _session(user, pk) -> Session:
    return get_object_or_404(Session.objects.visible_to(user).select_related("weegploeg"),
                             pk=pk)


def _item(user, pk) -> AgendaItem:
    """A visible agenda item, with its signal read with the user's permissions on it (for
    `can` in the services)."""
    item = get_object_or_404(AgendaItem.objects.visible_to(user).select_related("session"),
                             pk=pk)
    item.signal = get_visible_signal(user, item.signal_id, "signals.view_dossier")
    return item


def _decision(user, pk) -> Decision:
    decision = get_object_or_404(
        Decision.objects.visible_to(user).select_related("item", "item__session"), pk=pk)
    decision.signal = get_visible_signal(user, decision.signal_id, "signals.view_dossier")
    return decision


@require_role(*WEEGPLOEG_ROLES)
@require_http_methods(["GET", "POST"])
def sessions(request):
    user = request.user
    form = None
    if has_role(user, Role.COORDINATOR):
        form = SessionForm(weegploegen_of(user), request.POST or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                session = services.plan_session(
                    user, form.cleaned_data["weegploeg"], form.cleaned_data["starts_at"],
                    location=form.cleaned_data["location"], online=form.cleaned_data["online"],
                )
            except RuleViolation as error:
                add_rule_violation(form, error)
            else:
                messages.success(request, _("Het overleg is gepland."))
                return redirect("weegploeg:session", pk=session.pk)
    return render(request, "weegploeg/sessions.html", {
        "sessions": services.sessions_for(user)[:100],
        "form": form,
        "forms": [form] if form else [],
    })


def _session_context(request, session, add_form=None, open_form=None, attendance_form=None):
    user = request.user
    items = list(session.items.select_related("signal", "signal__person")
                 .prefetch_related("votes"))
    visible = services.visible_signal_ids(user, [item.signal_id for item in items])
    visible_items = [item for item in items if item.signal_id in visible]
    is_coordinator = has_role(user, Role.COORDINATOR)
    context = {
        "session": session,
        "items": visible_items,
        "is_coordinator": is_coordinator,
        "exports": session.exports.order_by("-created_at")[:3],
        "today": timezone.localdate(),
    }
    readiness = items_readiness(visible_items)
    for item, ready in readiness:
        item.readiness = ready
    context["not_ready"] = [(item, ready) for item, ready in readiness if ready.missing]
    if is_coordinator and session.status != SessionStatus.CLOSED:
        context["add_form"] = add_form or AddItemForm(services.agenda_candidates(user, session))
        context["open_form"] = open_form or OpenSessionForm()
        context["attendance_form"] = attendance_form or AttendanceForm(
            services.attendance_candidates(session),
            initial={"attendees": list(session.attendees.values_list("pk", flat=True))},
        )
    context["attendees"] = session.attendees.select_related("partner").order_by(
        "partner__name", "full_name")
    if is_coordinator:
        context["forms"] = [f for f in (context.get("open_form"),
                                        context.get("attendance_form")) if f is not None]
    return context


@require_GET
def session_detail(request, pk):
    session = _session(request.user, pk)
    context = _session_context(request, session)
    if "add_form" in context:
        # The agenda's choice of signals names each person (issue 18): a read of personal
        # data, logged without the names.
        record_access(request.user, model=Person, purpose=ProcessingActivity.DECISION,
                      detail={"weergave": "agenda kiezen"})
    return render(request, "weegploeg/session.html", context)


@require_POST
def session_action(request, pk, action):
    """The coordinator's actions on a session: add an item, publish, open, close, export."""
    session = _session(request.user, pk)
    user = request.user
    deny_unless_role(user, Role.COORDINATOR)
    try:
        if action == "toevoegen":
            form = AddItemForm(services.agenda_candidates(user, session), request.POST)
            if not form.is_valid():
                return render(request, "weegploeg/session.html",
                              _session_context(request, session, add_form=form))
            services.add_to_agenda(user, session, form.cleaned_data["signal"])
            messages.success(request, _("Het signaal staat op de agenda."))
        elif action == "publiceren":
            count = services.publish_agenda(user, session)
            messages.success(request, ngettext("De agenda (%(n)d punt) is verstuurd.",
                                               "De agenda (%(n)d punten) is verstuurd.",
                                               count) % {"n": count})
            _warn_not_ready(request, session)
        elif action == "openen":
            form = OpenSessionForm(request.POST)
            if not form.is_valid():
                return render(request, "weegploeg/session.html",
                              _session_context(request, session, open_form=form))
            try:
                services.open_session(user, session, form.cleaned_data["reason"])
            except RuleViolation as error:
                add_rule_violation(form, error)
                return render(request, "weegploeg/session.html",
                              _session_context(request, session, open_form=form))
            messages.success(request, _("Het overleg is geopend."))
            _warn_not_ready(request, session)
        elif action == "aanwezigheid":
            form = AttendanceForm(services.attendance_candidates(session), request.POST)
            if not form.is_valid():
                return render(request, "weegploeg/session.html",
                              _session_context(request, session, attendance_form=form))
            services.record_attendance(user, session, form.cleaned_data["attendees"])
            messages.success(request, _("De aanwezigheid is vastgelegd."))
        elif action == "sluiten":
            unresolved = services.close_session(user, session)
            messages.success(
                request,
                _("Het overleg is gesloten; %(n)d punt(en) zonder eensluidend oordeel gaan terug "
                  "naar de wachtrij.") % {"n": len(unresolved)},
            )
        elif action == "exporteren":
            from weegploeg.session_exports import request_session_export

            request_session_export(user, session)
            messages.success(request, _("De export wordt gemaakt."))
        else:
            raise Http404
    except RuleViolation as error:
        messages.error(request, error.message)
    return redirect("weegploeg:session", pk=session.pk)


def _warn_not_ready(request, session):
    """Before the agenda goes out and when the session opens: the items that are not ready
    for every outcome (`readiness.vote_prerequisites`), so nobody learns it from a vote."""
    items = session.items.select_related("signal", "signal__person")
    visible = services.visible_signal_ids(request.user, [item.signal_id for item in items])
    blocked = [item for item, ready in items_readiness(
        [item for item in items if item.signal_id in visible]) if not ready.ready]
    if blocked:
        messages.warning(request, _(
            "Nog niet klaar voor elke uitkomst: %(items)s. Zie de agenda voor wat ontbreekt."
        ) % {"items": ", ".join(item.signal.reference for item in blocked)})


@require_POST
def item_action(request, pk, action):
    item = _item(request.user, pk)
    deny_unless_role(request.user, Role.COORDINATOR)
    try:
        if action == "omhoog":
            services.move_item(request.user, item, -1)
        elif action == "omlaag":
            services.move_item(request.user, item, +1)
        elif action == "verwijderen":
            services.remove_from_agenda(request.user, item)
            messages.success(request, _("Het agendapunt is verwijderd."))
        else:
            raise Http404
    except RuleViolation as error:
        messages.error(request, error.message)
    return redirect("weegploeg:session", pk=item.session_id)


def _vote_rows(item, partners):
    votes = {vote.partner_id: vote for vote in item.votes.select_related("voter")}
    return [(partner, votes.get(partner.pk)) for partner in partners]


@require_http_methods(["GET", "POST"])
def item_detail(request, pk):
    """An agenda item with the case on one screen: the signal, the person, the joint weging,
    earlier signals, the checklist of what a vote needs (`readiness.vote_prerequisites`), the
    three votes, the vote form for a member (outcomes the case is not ready for cannot be
    chosen), the coordinator's preparation of the decision, and the decision once taken."""
    user = request.user
    item = _item(user, pk)
    record_access(user, item.signal, purpose=ProcessingActivity.DECISION)
    readiness = vote_prerequisites(item.signal, item)
    partners = list(Partner.objects.filter(pk__in=readiness.partner_ids))
    own_vote = Vote.objects.filter(item=item, partner_id=user.partner_id).first()
    vote_form = prepare_form = integral_form = None
    if not member_refusal(user, item, readiness.partner_ids) and partners:
        own = item.integral_statements.filter(partner_id=user.partner_id).first()
        integral_form = IntegralStatementForm(
            request.POST if "integraal" in request.POST else None,
            initial={"result": own.result} if own else {})
    if not voter_refusal(user, item, readiness.partner_ids) and partners:
        initial = (
            {"outcome": own_vote.outcome, "motivation": own_vote.motivation} if own_vote else {}
        )
        vote_form = VoteForm(request.POST if "stem" in request.POST else None, initial=initial,
                             blocked=readiness.blocked_outcomes())
    if has_role(user, Role.COORDINATOR) and item.status == ItemStatus.OPEN:
        prepare_form = PrepareForm(
            request.POST if "voorbereiden" in request.POST else None,
            initial={"joint_reasoning": item.joint_reasoning,
                     "invited_parties": item.invited_parties, "other_party": item.other_party,
                     "referral": item.referral, "follow_up_on": item.follow_up_on},
        )
    if request.method == "POST":
        if "stem" in request.POST and vote_form is not None and vote_form.is_valid():
            try:
                decision = services.cast_vote(user, item, vote_form.cleaned_data["outcome"],
                                              vote_form.cleaned_data["motivation"])
            except RuleViolation as error:
                add_rule_violation(vote_form, error)
            else:
                messages.success(request, _("Uw stem is vastgelegd."))
                if decision is not None:
                    messages.success(request, _("De drie stemmen zijn gelijk: het besluit is "
                                                "genomen."))
                return redirect("weegploeg:item", pk=item.pk)
        elif ("integraal" in request.POST and integral_form is not None
              and integral_form.is_valid()):
            try:
                state_consultation(user, item, integral_form.cleaned_data["result"])
            except RuleViolation as error:
                add_rule_violation(integral_form, error)
            else:
                messages.success(request, _("De integrale weging van uw organisatie is "
                                            "vastgelegd."))
                return redirect("weegploeg:item", pk=item.pk)
        elif ("voorbereiden" in request.POST and prepare_form is not None
              and prepare_form.is_valid()):
            try:
                services.prepare_decision(user, item, **prepare_form.cleaned_data)
            except RuleViolation as error:
                add_rule_violation(prepare_form, error)
            else:
                messages.success(request, _("De voorbereiding van het besluit is opgeslagen."))
                return redirect("weegploeg:item", pk=item.pk)
        elif vote_form is None and prepare_form is None and integral_form is None:
            raise PermissionDenied
    return render(request, "weegploeg/item.html", {
        "item": item,
        "signal": item.signal,
        "person": item.signal.person,
        "readiness": readiness,
        "joint": latest_joint_assessment(item.signal),
        "earlier_signals": list(earlier_signals(user, item.signal)),
        "vote_rows": _vote_rows(item, partners),
        "vote_form": vote_form,
        "vote_refusal": voter_refusal(user, item, readiness.partner_ids),
        "prepare_form": prepare_form,
        "integral_form": integral_form,
        "statements": statements_of(item, partners),
        "forms": [f for f in (integral_form, vote_form, prepare_form) if f is not None],
        "decisions": item.decisions.prefetch_related("records").order_by("taken_at", "pk"),
    })


@require_GET
def signal_readiness(request, pk):
    """What a vote on a signal still in the queue will need (`readiness.vote_prerequisites`
    without an agenda item, or with its open one): the checklist with who is to do what,
    linked from the signal page, so that nothing is learnt from a refused vote."""
    signal = get_visible_signal(request.user, pk, "signals.view_dossier")
    record_access(request.user, signal, purpose=ProcessingActivity.DECISION,
                  detail={"weergave": "klaar om te stemmen"})
    item = signal.agenda_items.filter(status=ItemStatus.OPEN).select_related("session").first()
    return render(request, "weegploeg/signal_readiness.html", {
        "signal": signal, "item": item, "readiness": vote_prerequisites(signal, item),
    })


@require_GET
def item_votes(request, pk):
    """The votes of an agenda item as they come in, for the item page's refresh without
    reload (`static/js/votes-live.js`): per partner the outcome and time, and whether the
    decision is taken. No motivations and no names; the read is recorded all the same."""
    item = _item(request.user, pk)
    record_access(request.user, item.signal, purpose=ProcessingActivity.DECISION,
                  detail={"weergave": "stemmen"})
    votes = {vote.partner_id: vote for vote in item.votes.all()}
    return JsonResponse({
        "status": item.status,
        "decided": item.status != ItemStatus.OPEN,
        "votes": [
            {"partner": partner_id,
             "outcome": Outcome(votes[partner_id].outcome).label,
             "cast_at": timezone.localtime(votes[partner_id].cast_at).strftime("%d-%m-%Y %H:%M")}
            for partner_id in sorted(votes)
        ],
    })


@require_http_methods(["GET", "POST"])
def decision_detail(request, pk):
    user = request.user
    decision = _decision(user, pk)
    record_access(user, decision, purpose=ProcessingActivity.DECISION)
    correction_form = request_form = None
    if has_role(user, Role.COORDINATOR) and decision.is_current:
        correction_form = CorrectionForm(
            request.POST if "corrigeren" in request.POST else None,
            initial={"reasoning": decision.reasoning},
        )
        if decision.outcome == Outcome.MORE_INFORMATION:
            partners = Partner.objects.filter(pk__in=core_partner_ids(decision.signal))
            request_form = InformationRequestForm(
                partners, request.POST if "verzoek" in request.POST else None
            )
    if request.method == "POST":
        if correction_form is None and request_form is None:
            raise PermissionDenied
        try:
            if "opnieuw_maken" in request.POST:
                from weegploeg.records import request_record_version

                version = request_record_version(user, decision)
                messages.success(request, _("Versie %(n)d van het besluitverslag wordt gemaakt; "
                                            "ververs de pagina over enkele ogenblikken.")
                                 % {"n": version})
                return redirect("weegploeg:decision", pk=decision.pk)
            if "corrigeren" in request.POST and correction_form and correction_form.is_valid():
                correction = services.correct_decision(
                    user, decision, reasoning=correction_form.cleaned_data["reasoning"],
                    reason=correction_form.cleaned_data["reason"],
                )
                messages.success(request, _("De correctie is vastgelegd als nieuw besluit."))
                return redirect("weegploeg:decision", pk=correction.pk)
            if "verzoek" in request.POST and request_form and request_form.is_valid():
                services.request_information(
                    user, decision.signal, question=request_form.cleaned_data["question"],
                    partner=request_form.cleaned_data["assigned_partner"],
                    deadline=request_form.cleaned_data["deadline"],
                    external_body=request_form.cleaned_data["external_body"],
                    legal_ground=request_form.cleaned_data["legal_ground"],
                )
                messages.success(request, _("Het informatieverzoek is uitgezet."))
                return redirect("weegploeg:decision", pk=decision.pk)
        except RuleViolation as error:
            target = correction_form if "corrigeren" in request.POST else request_form
            if target is None:
                messages.error(request, error.message)
            else:
                add_rule_violation(target, error)
    return render(request, "weegploeg/decision.html", {
        "decision": decision,
        "signal": decision.signal,
        "votes": decision.item.votes.select_related("partner", "voter").order_by("cast_at"),
        "records": decision.records.all(),
        "requests": decision.signal.information_requests.select_related("assigned_partner"),
        "correction_form": correction_form,
        "request_form": request_form,
        "forms": [f for f in (correction_form, request_form) if f is not None],
        "reweighing": reweighing_of(decision),
    })


@require_GET
def record_download(request, pk):
    """The decision record PDF, served only when it matches its SHA-256; the download is
    audited (and so is a refusal)."""
    from weegploeg.records import read_record

    record = get_object_or_404(DecisionRecord.objects.visible_to(request.user), pk=pk)
    try:
        content = read_record(record)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("weegploeg:decision", pk=record.decision_id)
    record_access(request.user, record, purpose=ProcessingActivity.DECISION)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="besluitverslag-{record.decision_id}-v{record.version}.pdf"'
    )
    return response


HANDOVER_REFRESH_SECONDS = 5


@require_GET
def handover_download(request, pk):
    """Hand-over export (PDF and JSON) of a casusoverleg decision for the casusoverleg's file.
    Its decision record is never rendered in the request (issue 16 point 5): until it exists,
    a page says it is being made and reloads itself (`?wachten`, which asks for nothing
    again; a meta refresh, no JavaScript) until the download link appears."""
    decision = _decision(request.user, pk)
    from django.urls import reverse

    from weegploeg.handover import handover_ready, handover_zip

    try:
        if "wachten" in request.GET:
            ready = handover_ready(decision)
            return render(request, "weegploeg/handover.html", {
                "decision": decision, "ready": ready,
                "refresh_seconds": None if ready else HANDOVER_REFRESH_SECONDS,
            })
        content = handover_zip(decision)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("weegploeg:decision", pk=decision.pk)
    if content is None:
        return redirect(reverse("weegploeg:handover", args=[decision.pk]) + "?wachten=1")
    record_access(request.user, decision, purpose=ProcessingActivity.DECISION,
                  detail={"export": "overdracht casusoverleg"})
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="overdracht-{decision.signal.reference}.zip"'
    )
    return response


@require_GET
def export_download(request, pk, export_pk):
    session = _session(request.user, pk)
    deny_unless_role(request.user, Role.COORDINATOR)
    export = get_object_or_404(SessionExport.objects.visible_to(request.user), session=session,
                               pk=export_pk, status=ExportStatus.DONE)
    record_access(request.user, export, purpose=ProcessingActivity.DECISION)
    return FileResponse(export.file.open("rb"), as_attachment=True,
                        content_type="application/zip",
                        filename=f"besluitverslagen-overleg-{session.pk}.zip")


@require_GET
def export_status(request, pk, export_pk):
    """Progress of a ZIP export, for the page's progress indicator (JSON)."""
    from django.http import JsonResponse

    session = _session(request.user, pk)
    export = get_object_or_404(SessionExport.objects.visible_to(request.user), session=session,
                               pk=export_pk)
    return JsonResponse({"status": export.status, "done": export.done_count,
                         "total": export.total})


@require_role(Role.MEMBER)
@require_http_methods(["GET", "POST"])
def answer_request(request, pk):
    user = request.user
    info_request = get_object_or_404(InformationRequest.objects.visible_to(user), pk=pk)
    signal = get_visible_signal(user, info_request.signal_id, "signals.view_dossier")
    if info_request.assigned_partner_id != user.partner_id:
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if request.method == "GET":
        record_access(user, info_request, purpose=ProcessingActivity.DECISION)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_information_request(user, info_request, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_violation(form, error)
        else:
            messages.success(request, _("Uw antwoord is aan het dossier toegevoegd."))
            return redirect("signals:detail", pk=signal.pk)
    return render(request, "weegploeg/answer.html",
                  {"form": form, "forms": [form], "info_request": info_request, "signal": signal})
