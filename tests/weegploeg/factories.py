"""Helpers for the weegploeg's tests."""

from weegploeg.models import ConsultationResult, IntegralStatement
from weegploeg.services import cast_vote


def state_consulted(item, *partners, result=ConsultationResult.NOTHING_KNOWN, by=None):
    """The statements of `partners` that they consulted their own systems on `item` (rule
    13), written as the record of a fact, not through the screen; `by` defaults to any user
    of the partner."""
    for partner in partners:
        stated_by = by or partner.users.first()
        IntegralStatement.objects.get_or_create(
            item=item, partner=partner, defaults={"result": result, "stated_by": stated_by})


def vote(user, item, outcome, motivation):
    """`cast_vote` by a member whose partner has stated its integral weging first (rule 13),
    for tests about what comes after that statement."""
    if user.partner_id is not None:
        state_consulted(item, user.partner, by=user)
    return cast_vote(user, item, outcome, motivation)
