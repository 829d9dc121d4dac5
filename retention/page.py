"""The retention section of the signal page (registered in `RetentionConfig.ready`): when
the signal is deleted and under which rule (rule 8), whether a juridische blokkade stops
that, and where the notification of the person stands — read with the signal in the page's
one query of lists (`signals.sections`)."""

import dataclasses
import datetime

from django.db.models import OuterRef, Q

from pga.nested import Rows
from retention.models import Notification, RetentionRule
from retention.services import active_holds


@dataclasses.dataclass
class RetentionState:
    """When is this signal deleted, under which rule, and what blocks it."""

    rule: RetentionRule | None
    started_on: datetime.date | None
    deletion_due: datetime.date | None
    holds: list

    @property
    def blocked(self) -> bool:
        return bool(self.holds)


def page_rows(user) -> dict[str, Rows]:
    return {
        "retention_rule": Rows(RetentionRule.objects.filter(basis=OuterRef("retention_basis")),
                               ("basis",)),
        "retention_holds": Rows(
            active_holds().filter(Q(signal=OuterRef("pk")) | Q(person_id=OuterRef("person_id"))),
            (),
        ),
        "notification": Rows(
            Notification.objects.filter(decision__signal=OuterRef("pk"))[:1],
            ("status", "notified_on", "recheck_on"),
        ),
    }


def signal_page_context(user, signal) -> dict:
    rows = signal.page_rows
    return {
        "retention": RetentionState(
            rule=next(iter(rows["retention_rule"]), None),
            started_on=signal.retention_started_on,
            deletion_due=signal.deletion_due,
            holds=rows["retention_holds"],
        ),
        "signal_notification": next(iter(rows["notification"]), None),
    }
