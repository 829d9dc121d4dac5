"""Demo weging for `seed_demo`: on the first demo signal a politie view and a joint
assessment that is not yet complete; on the last one a shielded OM view. Fictional facts.
Skipped when the demo weegploeg's signals already have assessments (idempotent)."""

from criteria.assessments import record_joint_assessment, record_partner_assessment
from criteria.inputs import JudgementInput
from criteria.models import Assessment, ScaleValue
from criteria.selectors import published_framework
from pga.models import User
from signals.models import ContributionVisibility

# criterion number → (position on its scale, 0 = onbekend; substantiation; source)
POLITIE_VIEW = {
    1: (2, "Deelde een video van een aanslag met instemmende tekst (mentor, 6 oktober).",
        "Melding school"),
    2: (2, "Uitspraken in de klas over 'ongelovigen'; geen eerdere uitingen bekend.",
        "Melding school"),
    3: (0, "", ""),
    4: (2, "Droeg op 1 november een vlag van een verboden organisatie.", "Politiecontrole"),
    5: (1, "Woont bij ouders, gaat naar school.", "BRP, school"),
}
JOINT = {**POLITIE_VIEW, 3: (2, "Trekt zich volgens de mentor sinds de zomer terug uit de klas.",
                             "Melding school")}
OM_VIEW = {
    1: (3, "Dreigbrieven aan medewerkers van de woningcorporatie.", "Aangifte"),
    2: (4, "Erkent de overheid niet; schrijft over een 'volkstribunaal'.", "Brieven"),
}


def _judgements(framework, spec):
    values = {
        (v.criterion.number, v.position): v.pk
        for v in ScaleValue.objects.filter(criterion__framework=framework).select_related(
            "criterion"
        )
    }
    return [
        JudgementInput(criterion=n, scale_value=values[(n, position)],
                       substantiation=facts, source=source)
        for n, (position, facts, source) in spec.items()
    ]


def seed(weegploeg):
    framework = published_framework()
    signals = list(weegploeg.signals.order_by("pk"))
    if framework is None or not signals or Assessment.objects.filter(
        signal__weegploeg=weegploeg
    ).exists():
        return
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__contains="@demo.")}
    first, last = signals[0], signals[-1]
    record_partner_assessment(users["member.politie"], first, _judgements(framework, POLITIE_VIEW))
    # Four of five criteria: the joint weging is saved but not yet complete.
    record_joint_assessment(
        users["coordinator.gemeente"],
        first,
        [j for j in _judgements(framework, JOINT) if j.criterion != 5],
        "Voorlopig: zorgen over geweldsbereidheid en identificatie; zelfredzaamheid nog "
        "navragen bij de school.",
    )
    record_partner_assessment(
        users["member.om"], last, _judgements(framework, OM_VIEW),
        visibility=ContributionVisibility.OWN_PARTNER,
    )
