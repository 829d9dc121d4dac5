from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from pga.authz import WEEGPLOEG_ROLES, members_of
from pga.models import Role


def weegploeg_members(signal):
    """The members and coordinators of the partners that weigh this signal."""
    from signals.services import desired_grants

    partners = {partner_id for partner_id, _role in desired_grants(signal)}
    return members_of(partners & set(signal.weegploeg.partners().values_list("pk", flat=True)),
                      WEEGPLOEG_ROLES)


def mail_coordinators(weegploeg, subject: str, body: str) -> int:
    """One mail to each procesregisseur of `weegploeg` (references only, never personal
    data)."""
    return send_mass_mail([
        (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in members_of(weegploeg.partners().values_list("pk", flat=True),
                               [Role.COORDINATOR])
    ], fail_silently=False)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def mail_transfer_received(transfer_id):
    """Rule 10: tell the procesregisseurs of the receiving weegploeg that a dossier was
    transferred to them (the reference and the sending weegploeg only)."""
    from signals.models import Transfer

    transfer = (Transfer.objects.select_related("from_weegploeg", "to_weegploeg")
                .filter(pk=transfer_id).first())
    if transfer is None:
        return 0
    subject = _("Dossier %(ref)s overgedragen aan uw weegploeg") % {"ref": transfer.reference}
    body = _("Weegploeg %(from)s heeft dossier %(ref)s aan uw weegploeg overgedragen. Neem het "
             "in ontvangst op de werklijst in Weegploeg.") % {
        "from": transfer.from_weegploeg.name, "ref": transfer.reference}
    return mail_coordinators(transfer.to_weegploeg, subject, body)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def alert_acute_danger(signal_id):
    """Tell the weegploeg that a registrar marked acute danger. Reference number only: no
    personal data leaves the system by e-mail."""
    from signals.models import Signal

    signal = Signal.objects.select_related("weegploeg").filter(pk=signal_id).first()
    if signal is None:
        return 0
    subject = _("Acuut gevaar gemeld bij signaal %(ref)s") % {"ref": signal.reference}
    body = _(
        "Bij de registratie van signaal %(ref)s is acuut gevaar aangegeven. Bekijk het signaal "
        "in Weegploeg. Bij direct gevaar: bel 112."
    ) % {"ref": signal.reference}
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in weegploeg_members(signal)
    ]
    return send_mass_mail(messages, fail_silently=False)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def mail_match_notice(notice_id):
    """Rule 9 across weegploegen: tell the procesregisseurs of the notice's weegploeg that a
    person of theirs matches one known to another weegploeg. The two references, the other
    weegploeg and the role to contact: nothing about the person leaves by e-mail."""
    from signals.models import MatchNotice

    notice = (MatchNotice.objects.select_related("signal__weegploeg", "other_signal__weegploeg")
              .filter(pk=notice_id).first())
    if notice is None:
        return 0
    weegploeg = notice.signal.weegploeg
    coordinators = members_of(weegploeg.partners().values("pk"), [Role.COORDINATOR])
    subject = _("Mogelijk dezelfde persoon bij een andere weegploeg (%(ref)s)") % {
        "ref": notice.signal.reference}
    body = _(
        "De betrokkene van signaal %(ref)s komt mogelijk overeen met een betrokkene van "
        "weegploeg %(other)s (hun referentie %(other_ref)s). Neem contact op met %(contact)s "
        "van die weegploeg. Details staan alleen in Weegploeg."
    ) % {"ref": notice.signal.reference, "other": notice.other_signal.weegploeg.name,
         "other_ref": notice.other_signal.reference, "contact": notice.contact_role}
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                for user in coordinators]
    return send_mass_mail(messages, fail_silently=False)
