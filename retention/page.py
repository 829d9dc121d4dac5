"""The retention section of the signal page (registered in `RetentionConfig.ready`): when
the signal is deleted and under which rule (rule 8), whether a juridische blokkade stops
that, and where the notification of the person stands — read with the signal row itself
(`signal_annotations`), or in one query of its own."""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject

from retention.holds import active_holds
from retention.models import Notification, NotificationStatus, RetentionBasis
from signals.models import Signal


@dataclasses.dataclass
class RetentionState:
    """When is this signal deleted, under which rule, and what blocks it."""

    rule: str
    started_on: datetime.date | None
    deletion_due: datetime.date | None
    blocked: bool


@dataclasses.dataclass
class NotificationState:
    """Where the notification of the person stands (rule 7)."""

    status: str
    notified_on: datetime.date | None
    recheck_on: datetime.date | None

    @property
    def status_label(self) -> str:
        return NotificationStatus(self.status).label


# The names under which the signal row carries the section's facts (`signal_annotations`).
FACTS = ("page_retention_blocked", "page_notification")


def signal_annotations(user) -> dict:
    """The section's facts as expressions over `Signal`, read with the signal itself by the
    page (`signals.sections.register`): whether a juridische blokkade holds it, and the
    notification of the person (the first to be rechecked), its three facts in one subquery
    (an object; its dates as ISO text)."""
    notification = Notification.objects.filter(decision__signal=OuterRef("pk")).values(
        facts=JSONObject(status="status", notified_on="notified_on", recheck_on="recheck_on")
    )
    return dict(zip(FACTS, (
        Exists(active_holds().filter(Q(signal=OuterRef("pk")) | Q(person=OuterRef("person")))),
        Subquery(notification[:1]),
    ), strict=True))


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def signal_page_context(user, signal) -> dict:
    if all(hasattr(signal, name) for name in FACTS):
        facts = {name: getattr(signal, name) for name in FACTS}
    else:
        facts = Signal.objects.filter(pk=signal.pk).values(**signal_annotations(user)).get()
    blocked, notification = (facts[name] for name in FACTS)
    return {
        "retention": RetentionState(
            # A rule is named by its basis (`RetentionRule.__str__`).
            rule=RetentionBasis(signal.retention_basis).label if signal.retention_basis else "",
            started_on=signal.retention_started_on,
            deletion_due=signal.deletion_due,
            blocked=blocked,
        ),
        "signal_notification": NotificationState(
            notification["status"], _date(notification["notified_on"]),
            _date(notification["recheck_on"]),
        ) if notification else None,
    }
