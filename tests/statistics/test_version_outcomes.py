"""Issue 20, item 5: next to each published version of the referentiekader, the public page
shows an anonymous count of the outcomes reached under it, suppressed below 5."""

import datetime

from django.urls import reverse
from django.utils import timezone

from criteria.assessments import record_joint_assessment
from tests.criteria.factories import judgements, published
from tests.signals.factories import person_fields, register
from tests.statistics import factories as make
from weegploeg.models import Outcome


def test_the_public_page_counts_outcomes_per_version_and_suppresses_small_ones(
    client, meldpunt, weegploeg, members, coordinator
):
    # Decided tomorrow: after the joint weging recorded now, under the published version.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    decisions = []
    for n in range(7):
        signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(
            municipality=weegploeg.gemeente, surname=f"Versie{n}"))
        record_joint_assessment(members["om"], signal, judgements(), "Conclusie.")
        outcome = Outcome.CASUSOVERLEG if n < 5 else Outcome.NO_CASUSOVERLEG
        decisions.append(make.decision(signal, outcome, on=tomorrow, recorded_by=coordinator))
    # A correction is the same outcome again, not another one.
    make.decision(decisions[0].signal, Outcome.CASUSOVERLEG, on=tomorrow,
                  recorded_by=coordinator, corrects=decisions[0])
    # Without a joint weging before the decision, an outcome is under no version.
    bare = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        municipality=weegploeg.gemeente, surname="Zonder"))
    make.decision(bare, Outcome.CASUSOVERLEG, on=tomorrow, recorded_by=coordinator)
    page = client.get(reverse("criteria:public_framework")).content.decode()
    assert "Casusoverleg: 5" in page
    assert "Geen casusoverleg: &lt;5" in page
    response = client.get(reverse("criteria:framework_version", args=[published().version]))
    assert "Casusoverleg: 5" in response.content.decode()
