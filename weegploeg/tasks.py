"""Background work of the weegploeg: decision records, e-mail, reminders. Every task is
idempotent and acknowledged late, so a worker that dies mid-task leads to a correct re-run."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.authz import members_of
from pga.models import Role
from pga.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def generate_decision_record(decision_id):
    """Render and store the decision record PDF once (rule 6)."""
    from weegploeg.models import Decision
    from weegploeg.records import create_decision_record

    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        return None
    return create_decision_record(decision).pk


@shared_task(**TASK_OPTIONS)
def generate_record_version(decision_id, version):
    """Render and store a further version of a decision record (asked for by the
    coordinator); idempotent per version."""
    from weegploeg.models import Decision
    from weegploeg.records import create_record_version

    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        return None
    return create_record_version(decision, version).pk


@shared_task(**TASK_OPTIONS)
def generate_missing_records():
    """Periodic sweep: decisions without a record (e.g. taken while Redis was down) get one."""
    from weegploeg.models import Decision

    missing = Decision.objects.filter(records__isnull=True).values_list("pk", flat=True)
    for decision_id in missing:
        generate_decision_record.delay(decision_id)
    return len(missing)


@shared_task(**TASK_OPTIONS)
def mail_agenda(session_id):
    """Agenda published: the members of the three partners get the references (no names)."""
    from weegploeg.models import Session

    session = Session.objects.select_related("weegploeg").filter(pk=session_id).first()
    if session is None:
        return 0
    references = [item.signal.reference for item in session.items.select_related("signal")]
    when = timezone.localtime(session.starts_at).strftime("%d-%m-%Y %H:%M")
    subject = _("Agenda weegploegoverleg %(when)s") % {"when": when}
    body = _("Op de agenda van het weegploegoverleg van %(when)s staan:\n%(refs)s\n\nBekijk de "
             "dossiers in Weegploeg.") % {"when": when, "refs": "\n".join(references)}
    partners = session.weegploeg.partners().values_list("pk", flat=True)
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in members_of(partners, [Role.MEMBER, Role.COORDINATOR])
    ]
    return send_mass_mail(messages)


@shared_task(**TASK_OPTIONS)
def mail_decision(decision_id):
    """Decision taken: the registering partner hears the reference and the outcome only."""
    from weegploeg.models import Decision

    decision = Decision.objects.select_related("signal").filter(pk=decision_id).first()
    if decision is None:
        return 0
    signal = decision.signal
    subject = _("Besluit over signaal %(ref)s") % {"ref": signal.reference}
    body = _("De weegploeg heeft over signaal %(ref)s besloten: %(outcome)s.") % {
        "ref": signal.reference, "outcome": decision.get_outcome_display(),
    }
    recipients = {signal.registered_by.email} | set(
        members_of([signal.receiving_partner_id], [Role.MELDPUNT]).values_list("email", flat=True)
    )
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in sorted(recipients)]
    )


@shared_task(**TASK_OPTIONS)
def send_information_request_reminders(today=None):
    """Daily (Celery beat): remind the assigned partner two days before the deadline and once
    when it has passed; mark signals ready for the agenda when all requests are answered or
    overdue (rule 5). Each reminder is sent once (the sent date is stored)."""
    from django.db import transaction

    from weegploeg.models import InformationRequest
    from weegploeg.services import refresh_readiness

    today = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    open_requests = InformationRequest.objects.filter(answered_at__isnull=True).select_related(
        "signal"
    )
    for request in open_requests.filter(
        deadline=today + datetime.timedelta(days=2), reminder_sent_on__isnull=True
    ):
        sent += _remind(request, _("Herinnering: informatieverzoek bij signaal %(ref)s verloopt "
                                   "op %(deadline)s"))
        request.reminder_sent_on = today
        request.save(update_fields=["reminder_sent_on"])
    for request in open_requests.filter(deadline__lt=today, overdue_notice_sent_on__isnull=True):
        sent += _remind(request, _("Verlopen: informatieverzoek bij signaal %(ref)s had uiterlijk "
                                   "%(deadline)s beantwoord moeten zijn"))
        request.overdue_notice_sent_on = today
        request.save(update_fields=["overdue_notice_sent_on"])
        with transaction.atomic():
            refresh_readiness(request.signal, today)
    return sent


@shared_task(**TASK_OPTIONS)
def send_follow_up_reminders(today=None):
    """Daily (Celery beat): remind the procesregisseurs of follow-up dates that have come
    (rule 12)."""
    from weegploeg.follow_up import send_follow_up_reminders as send

    return send(datetime.date.fromisoformat(today) if today else None)


@shared_task(**TASK_OPTIONS)
def send_driehoek_reminders(today=None):
    """Daily (Celery beat): remind the procesregisseurs of escalations to the lokale driehoek
    without a recorded outcome (rule 12)."""
    from weegploeg.escalation import send_driehoek_reminders as send

    return send(datetime.date.fromisoformat(today) if today else None)


def _remind(request, subject_template):
    subject = subject_template % {
        "ref": request.signal.reference, "deadline": request.deadline.strftime("%d-%m-%Y"),
    }
    body = subject + "\n\n" + _("Beantwoord het verzoek in Weegploeg.")
    return send_mass_mail([
        (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in members_of([request.assigned_partner_id], [Role.MEMBER])
    ])


@shared_task(**TASK_OPTIONS)
def build_session_export_task(export_id):
    """Build the ZIP of a session's decision records (rule 6). Idempotent: a finished export
    is not rebuilt; an export left half-done by a lost worker is built again from the start."""
    from weegploeg.models import SessionExport
    from weegploeg.session_exports import build_session_export

    export = SessionExport.objects.filter(pk=export_id).first()
    if export is None:
        return None
    return build_session_export(export).status
