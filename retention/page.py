"""The retention section of the signal page (registered in `RetentionConfig.ready`): when
the signal is deleted and under which rule (rule 8), whether a juridische blokkade stops
that, and where the notification of the person stands — in one query."""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef, Q, Subquery

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


def signal_page_context(user, signal) -> dict:
    notification = Notification.objects.filter(decision__signal=OuterRef("pk"))
    facts = Signal.objects.filter(pk=signal.pk).values(
        blocked=Exists(active_holds().filter(Q(signal=OuterRef("pk"))
                                             | Q(person=OuterRef("person")))),
        notification_status=Subquery(notification.values("status")[:1]),
        notified_on=Subquery(notification.values("notified_on")[:1]),
        recheck_on=Subquery(notification.values("recheck_on")[:1]),
    ).get()
    return {
        "retention": RetentionState(
            # A rule is named by its basis (`RetentionRule.__str__`).
            rule=RetentionBasis(signal.retention_basis).label if signal.retention_basis else "",
            started_on=signal.retention_started_on,
            deletion_due=signal.deletion_due,
            blocked=facts["blocked"],
        ),
        "signal_notification": NotificationState(
            facts["notification_status"], facts["notified_on"], facts["recheck_on"]
        ) if facts["notification_status"] else None,
    }
