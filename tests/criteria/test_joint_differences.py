"""Issue 20, item 3: where a partner's own weging differs from the joint weging per
criterion, the signal page shows it — except what a partner shielded."""

from django.urls import reverse

from criteria.assessments import record_joint_assessment, record_partner_assessment
from criteria.inputs import JudgementInput
from signals.models import ContributionVisibility
from tests.criteria.factories import SUBSTANTIATION, judgements, scale_value
from tests.signals.factories import register


def higher(number):
    return JudgementInput(criterion=number, scale_value=scale_value(number, 3).pk,
                          substantiation=SUBSTANTIATION, source="Politieregistratie")


def test_the_signal_page_shows_where_a_partner_differs_from_the_joint_weging(
    client, login, meldpunt, weegploeg, members
):
    signal = register(meldpunt, weegploeg=weegploeg)
    record_partner_assessment(members["politie"], signal, judgements(c3=higher(3)))
    record_partner_assessment(members["om"], signal, judgements(c4=higher(4)),
                              visibility=ContributionVisibility.OWN_PARTNER)
    record_partner_assessment(members["gemeente"], signal, judgements())
    record_joint_assessment(members["gemeente"], signal, judgements(), "Conclusie.")
    login(members["gemeente"])
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Verschillen met de gezamenlijke weging" in page
    politie = weegploeg.politie.name
    assert f'{politie} woog "{scale_value(3, 3).label}"' in page
    # The OM shielded its weging: its difference is not shown to the gemeente.
    assert f"{weegploeg.om.name} woog" not in page
    login(members["om"])
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert f'{weegploeg.om.name} woog "{scale_value(4, 3).label}"' in page


def test_no_differences_no_notice(client, login, meldpunt, weegploeg, members):
    signal = register(meldpunt, weegploeg=weegploeg)
    record_partner_assessment(members["politie"], signal, judgements())
    record_joint_assessment(members["gemeente"], signal, judgements(), "Conclusie.")
    login(members["gemeente"])
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Verschillen met de gezamenlijke weging" not in page
