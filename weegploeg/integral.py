"""Integrale weging (docs/design.md §3 rule 13): before its vote counts, each core partner
states per agenda item that it consulted its own systems, and with which result — information
brought in, nothing known, or cannot share. The statement holds the result only; what a
partner found stays in its own contributions, shielded where it must be. Who may state is who
may vote (`readiness.member_refusal`); a vote without the partner's statement is refused
(`readiness.voter_refusal`); the checklist and the decision record show the statements."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from signals.services import core_partner_ids
from weegploeg.models import AgendaItem, ConsultationResult, IntegralStatement
from weegploeg.readiness import member_refusal


@transaction.atomic
def state_consultation(user, item: AgendaItem, result: str) -> IntegralStatement:
    """Record (or, until the decision, change) the statement of the user's partner on
    `item`: its own systems were consulted, with `result`."""
    with processing(ProcessingActivity.DECISION):
        item = (AgendaItem.objects.select_for_update(of=("self",))
                .select_related("session", "signal", "signal__person", "signal__weegploeg")
                .get(pk=item.pk))
        refusal = member_refusal(user, item, core_partner_ids(item.signal))
        if refusal:
            raise RuleViolation(refusal)
        if result not in ConsultationResult.values:
            raise RuleViolation(_("Kies wat de raadpleging van uw eigen systemen opleverde."),
                                field="result")
        statement, _created = IntegralStatement.objects.update_or_create(
            item=item, partner_id=user.partner_id,
            defaults={"result": result, "stated_by": user, "stated_at": timezone.now()},
        )
    return statement


def statements_of(item: AgendaItem, partners) -> list[tuple]:
    """Each of `partners` with its statement on `item` (or None), for the item page and the
    decision record."""
    stated = {s.partner_id: s for s in item.integral_statements.select_related("stated_by")}
    return [(partner, stated.get(partner.pk)) for partner in partners]
