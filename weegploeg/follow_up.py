"""Follow-up dates (docs/design.md rule 12): a decision may carry a date on which the
procesregisseur looks at the case again; on that date the procesregisseurs are reminded."""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.authz import members_of
from pga.models import ProcessingActivity, Role
from weegploeg.models import AgendaItem, Decision


def send_follow_up_reminders(today: datetime.date | None = None) -> int:
    """Daily: tell the procesregisseurs of the weegploeg that a current decision's follow-up
    date has come — once per date (the date reminded is stored on the agenda item, because a
    decision never changes). References only, no personal data in the mail."""
    today = today or timezone.localdate()
    due = (Decision.objects.filter(correction__isnull=True, follow_up_on__lte=today)
           .select_related("signal__weegploeg", "item"))
    sent = 0
    for decision in due:
        if decision.item.follow_up_reminded_for == decision.follow_up_on:
            continue
        signal = decision.signal
        subject = _("Opvolgdatum bereikt bij signaal %(ref)s") % {"ref": signal.reference}
        body = _("Het besluit over signaal %(ref)s heeft als opvolgdatum %(date)s. Bekijk de "
                 "opvolging in Weegploeg.") % {
            "ref": signal.reference, "date": decision.follow_up_on.strftime("%d-%m-%Y")}
        with transaction.atomic(), processing(ProcessingActivity.DECISION):
            item = AgendaItem.objects.select_for_update().get(pk=decision.item_id)
            if item.follow_up_reminded_for == decision.follow_up_on:
                continue
            sent += send_mass_mail([
                (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                for user in members_of(signal.weegploeg.partners().values_list("pk", flat=True),
                                        [Role.COORDINATOR])
            ])
            item.follow_up_reminded_for = decision.follow_up_on
            item.save(update_fields=["follow_up_reminded_for"])
    return sent
