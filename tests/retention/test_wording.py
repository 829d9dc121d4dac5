"""Wording of retention (issue 22): periods in Dutch singular and plural ("1 jaar", "5 jaar",
never "5 jaren"), and a legal hold's end date in the past refused with a message that says
so."""

import datetime

import pytest
from django.utils import timezone

from pga.services import RuleViolation
from retention.holds import place_hold
from retention.models import ClockAnchor, PeriodUnit, RetentionBasis, RetentionRule, period_text


@pytest.mark.parametrize(("period", "unit", "text"), [
    (1, PeriodUnit.DAYS, "1 dag"), (30, PeriodUnit.DAYS, "30 dagen"),
    (1, PeriodUnit.MONTHS, "1 maand"), (6, PeriodUnit.MONTHS, "6 maanden"),
    (1, PeriodUnit.YEARS, "1 jaar"), (5, PeriodUnit.YEARS, "5 jaar"),
])
def test_a_period_reads_as_dutch(period, unit, text):
    assert period_text(period, unit) == text
    rule = RetentionRule(basis=RetentionBasis.CASUSOVERLEG, period=period, unit=unit,
                         anchor=ClockAnchor.LAST_PROCESSING)
    assert rule.period_display == f"{text} na de laatste verwerking"


def test_a_hold_ending_in_the_past_is_refused_as_in_the_past(beheerder, signal):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(RuleViolation) as refused:
        place_hold(beheerder, reason="Procedure bij de AP.", until=yesterday, signal=signal)
    assert "in het verleden" in refused.value.message
    assert "toekomst" not in refused.value.message
