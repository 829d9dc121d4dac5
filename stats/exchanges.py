"""The FG's export of information exchanges per legal ground (docs/design.md §3 rule 13):
every contribution (an answer to an information request included) and every information
request, with the ground it names. Scoped like the audit screen
(`pga.models.AuditEntryQuerySet.visible_to`): an FG sees the exchanges of their own partner
and those on signals of the weegploegen their partner takes part in — nothing else, also not
through the filter. What a row holds is what the audit log holds of the same processing:
date, kind, ground, partner, weegploeg and the signal's reference; never a content, a
question, a source or a person."""

import dataclasses
import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.authz import has_role, weegploegen_of
from pga.models import Role
from signals.legal import NO_GROUND
from signals.models import Contribution
from weegploeg.models import InformationRequest


@dataclasses.dataclass(frozen=True)
class Exchange:
    on: datetime.date
    kind: str
    ground: str
    partner: str
    weegploeg: str
    signal: str


def _scope(queryset, user, partner_field: str):
    if not has_role(user, Role.AUDITOR):
        return queryset.none()
    return queryset.filter(Q(**{partner_field: user.partner_id})
                           | Q(signal__weegploeg__in=weegploegen_of(user)))


def exchanges_visible_to(user, *, weegploeg_id: int | None = None) -> list[Exchange]:
    """The exchanges in the FG's scope (of one weegploeg, when `weegploeg_id` is given),
    ordered by legal ground and then date."""
    contributions = _scope(Contribution.objects.all(), user, "partner_id")
    requests = _scope(InformationRequest.objects.all(), user, "assigned_partner_id")
    if weegploeg_id is not None:
        contributions = contributions.filter(signal__weegploeg_id=weegploeg_id)
        requests = requests.filter(signal__weegploeg_id=weegploeg_id)
    answers = set(requests.filter(answer__isnull=False).values_list("answer_id", flat=True))
    unnamed = str(NO_GROUND)
    rows = []
    for kind, queryset, partner in (
        (_("informatie-inbreng"), contributions, "partner__name"),
        (_("informatieverzoek"), requests, "assigned_partner__name"),
    ):
        for pk, created_at, ground, partner_name, weegploeg, reference in queryset.values_list(
            "pk", "created_at", "legal_ground__name", partner, "signal__weegploeg__name",
            "signal__reference",
        ):
            is_answer = queryset.model is Contribution and pk in answers
            rows.append(Exchange(
                on=timezone.localdate(created_at),
                kind=_("antwoord op informatieverzoek") if is_answer else kind,
                ground=ground or unnamed, partner=partner_name, weegploeg=weegploeg,
                signal=reference,
            ))
    return sorted(rows, key=lambda row: (row.ground, row.on, row.signal, row.kind))
