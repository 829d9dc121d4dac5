"""What a vote needs (docs/design.md §3 rules 1, 4, 5 and 11): the one rule that the vote
service enforces (`weegploeg.services.cast_vote`) and that every readiness screen shows — the
agenda item, the session before the agenda is sent and before it opens, the signal page and
the procesregisseur's work list. A member learns what is missing from the checklist, not from
a refused vote.

Reads only: no function here changes anything.
"""

import dataclasses

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.models import AssessmentKind
from criteria.selectors import has_complete_assessment
from pga.authz import has_role
from pga.models import Partner, Role
from pga.services import RuleViolation
from signals.access import can
from signals.services import core_partner_ids
from weegploeg.models import AgendaItem, ItemStatus, Outcome, SessionStatus

ALL_OUTCOMES = frozenset(Outcome.values)
CASUSOVERLEG = frozenset({Outcome.CASUSOVERLEG})
NONE = frozenset()


class Check(models.TextChoices):
    CORE_PARTNERS = "core_partners", gettext_lazy("Drie kernpartners bekend")
    IDENTITY = "identity", gettext_lazy("Identiteit van de betrokkene volledig")
    JOINT = "joint", gettext_lazy("Volledige gezamenlijke weging")
    PARTNER_VIEWS = "partner_views", gettext_lazy("Weging van elke kernpartner")
    PARTIES = "parties", gettext_lazy("Uit te nodigen partijen vastgelegd")
    REQUESTS = "requests", gettext_lazy("Geen openstaande informatieverzoeken")
    INTEGRAL = "integral", gettext_lazy("Eigen systemen geraadpleegd door elke kernpartner")


@dataclasses.dataclass(frozen=True)
class Prerequisite:
    """One line of the checklist: whether it is met, which outcomes cannot be voted without
    it (none: it informs, it does not block), who is to do it and where."""

    check: str
    met: bool
    required_for: frozenset
    who: str
    url: str = ""
    detail: str = ""
    refusal: str = ""
    # Met partner by partner: each partner's own vote waits for its own part (rule 13).
    per_partner: bool = False

    @property
    def label(self) -> str:
        return Check(self.check).label

    @property
    def blocks_casusoverleg(self) -> bool:
        return not self.met and Outcome.CASUSOVERLEG in self.required_for


@dataclasses.dataclass(frozen=True)
class Readiness:
    prerequisites: list[Prerequisite]
    partner_ids: tuple = ()

    def missing_for(self, outcome: str) -> list[Prerequisite]:
        """The unmet prerequisites without which `outcome` cannot be voted."""
        return [p for p in self.prerequisites if not p.met and outcome in p.required_for]

    @property
    def missing(self) -> list[Prerequisite]:
        return [p for p in self.prerequisites if not p.met]

    @property
    def ready(self) -> bool:
        """Every outcome can be voted: nothing blocking is missing."""
        return not any(not p.met and p.required_for for p in self.prerequisites)

    def blocked_outcomes(self) -> set[str]:
        return {o for p in self.prerequisites if not p.met for o in p.required_for}


def vote_prerequisites(signal, item: AgendaItem | None = None, today=None) -> Readiness:
    """The rule for a vote on `signal` (on agenda `item`, or — for a signal still in the
    queue — on its next agenda item):

    - rule 1: the three core partners are known (a regional weegploeg knows the person's
      gemeente); without them no vote at all;
    - rule 11: the person's identity (surname and date of birth) before a casusoverleg vote;
    - rule 4: a complete joint weging before a casusoverleg vote;
    - rule 4: the parties to invite, recorded by the procesregisseur, before a casusoverleg
      vote;
    - rule 3: each core partner's own weging — shown, not required (the joint weging is what
      the vote rests on);
    - rule 5: information requests still open and not overdue — shown, not required;
    - rule 13: each core partner's statement that it consulted its own systems
      (`weegploeg.integral`) — a partner's own vote needs its own statement
      (`voter_refusal`), so the line names the partners still to state.
    """
    today = today or timezone.localdate()
    checks = []
    try:
        partner_ids = core_partner_ids(signal)
    except RuleViolation as error:
        partner_ids = ()
        checks.append(Prerequisite(
            Check.CORE_PARTNERS, False, ALL_OUTCOMES, _("functioneel beheerder"),
            detail=error.message, refusal=error.message,
        ))
    checks.append(Prerequisite(
        Check.IDENTITY, signal.person.has_identity, CASUSOVERLEG,
        _("meldpunt of weegploeglid"), reverse("signals:identity", args=[signal.pk]),
        refusal=_("Een stem voor casusoverleg vereist de identiteit van de betrokkene "
                  "(achternaam en geboortedatum)."),
    ))
    checks.append(Prerequisite(
        Check.JOINT, has_complete_assessment(signal), CASUSOVERLEG,
        _("weegploeglid of procesregisseur"),
        reverse("criteria:joint_assessment", args=[signal.pk]),
        refusal=_("Een stem voor casusoverleg vereist een volledige gezamenlijke weging: elk "
                  "criterium een waarde, en onderbouwing bij elke waarde behalve 'onbekend'."),
    ))
    assessed = set(
        signal.assessments.filter(kind=AssessmentKind.PARTNER, superseded_by__isnull=True)
        .values_list("partner_id", flat=True)
    )
    waiting = [p for p in Partner.objects.filter(pk__in=partner_ids).order_by("kind", "name")
               if p.pk not in assessed]
    checks.append(Prerequisite(
        Check.PARTNER_VIEWS, bool(partner_ids) and not waiting, NONE,
        _("weegploeglid van %(partners)s") % {"partners": ", ".join(p.name for p in waiting)}
        if waiting else _("weegploegleden"),
        reverse("criteria:partner_assessment", args=[signal.pk]),
        detail=_("Nog niet: %(partners)s") % {"partners": ", ".join(p.name for p in waiting)}
        if waiting else "",
    ))
    if item is not None:
        parties_url = reverse("weegploeg:item", args=[item.pk]) + "#voorbereiden"
        parties_met = bool(item.invited_parties)
        parties_detail = ""
    else:
        parties_url = ""
        parties_met = False
        parties_detail = _("Op het agendapunt, zodra het signaal geagendeerd is.")
    checks.append(Prerequisite(
        Check.PARTIES, parties_met, CASUSOVERLEG, _("procesregisseur"), parties_url,
        detail=parties_detail,
        refusal=_("De procesregisseur legt eerst vast welke partijen voor het casusoverleg "
                  "worden uitgenodigd."),
    ))
    open_requests = signal.information_requests.filter(
        answered_at__isnull=True, deadline__gte=today
    ).select_related("assigned_partner")
    names = sorted({r.assigned_partner.name for r in open_requests})
    checks.append(Prerequisite(
        Check.REQUESTS, not names, NONE,
        ", ".join(names) if names else _("kernpartners"),
        detail=_("Open bij: %(partners)s") % {"partners": ", ".join(names)} if names else "",
    ))
    if item is not None:
        stated = set(item.integral_statements.values_list("partner_id", flat=True))
        unstated = [p.name for p in Partner.objects.filter(pk__in=partner_ids)
                    .exclude(pk__in=stated).order_by("kind", "name")]
        integral_met = bool(partner_ids) and not unstated
        integral_url = reverse("weegploeg:item", args=[item.pk]) + "#integrale-weging"
        integral_detail = (_("Nog niet: %(partners)s") % {"partners": ", ".join(unstated)}
                           if unstated else "")
    else:
        integral_met, integral_url, unstated = False, "", ()
        integral_detail = _("Op het agendapunt, zodra het signaal geagendeerd is.")
    checks.append(Prerequisite(
        Check.INTEGRAL, integral_met, NONE,
        _("weegploeglid van %(partners)s") % {"partners": ", ".join(unstated)}
        if unstated else _("weegploegleden"),
        integral_url, detail=integral_detail, per_partner=True,
    ))
    return Readiness(checks, tuple(partner_ids))


def voter_refusal(user, item: AgendaItem, partner_ids) -> str:
    """Who may vote, and when (rule 4): a weegploeglid of one of the signal's three core
    partners who sees the dossier (`member_refusal`), once their partner has stated that it
    consulted its own systems (rule 13, `weegploeg.integral`). Returns the Dutch reason why
    not, or "" when the user may vote. The item page shows the vote form exactly when this
    is ""; `cast_vote` refuses with the reason otherwise."""
    refusal = member_refusal(user, item, partner_ids)
    if refusal:
        return refusal
    if not item.integral_statements.filter(partner_id=user.partner_id).exists():
        return _("Leg eerst vast dat uw organisatie haar eigen systemen heeft geraadpleegd "
                 "(integrale weging); daarna kunt u stemmen.")
    return ""


def member_refusal(user, item: AgendaItem, partner_ids) -> str:
    """Who takes part in an open item: a weegploeglid of one of the signal's three core
    partners who sees the dossier, on an open item of a session that is not closed (while the
    core partners are unknown, `vote_prerequisites` refuses every outcome). Returns the
    Dutch reason why not, or ""."""
    if item.session.status == SessionStatus.CLOSED:
        return _("Dit overleg is gesloten; er kan niet meer worden gestemd.")
    if item.status != ItemStatus.OPEN:
        return _("Over dit agendapunt is al besloten; stemmen kan niet meer.")
    if (
        not has_role(user, Role.MEMBER)
        or (partner_ids and user.partner_id not in set(partner_ids))
        or not can(user, "signals.view_dossier", item.signal)
    ):
        return _("Alleen een weegploeglid van een van de drie kernpartners stemt, en alleen "
                 "namens de eigen organisatie.")
    return ""


def items_readiness(items) -> list[tuple[AgendaItem, Readiness]]:
    """Each open agenda item with its readiness (for the session page and the work list)."""
    return [(item, vote_prerequisites(item.signal, item)) for item in items
            if item.status == ItemStatus.OPEN]
