"""Issue 18: the joint weging starts from the partner wegingen — side by side per criterion
and partner, pre-filled where every core partner agrees, differences marked."""

from django.urls import reverse

from criteria.assessments import record_partner_assessment
from criteria.comparison import partner_comparison, prefill
from criteria.inputs import criterion_field
from criteria.selectors import published_framework
from pga.models import AuditEntry
from signals.models import ContributionVisibility
from tests.criteria.factories import judgements, scale_value


def test_prefilled_where_all_three_agree_and_marked_where_they_differ(signal, members):
    record_partner_assessment(members["gemeente"], signal, judgements(2))
    record_partner_assessment(members["politie"], signal, judgements(2))
    record_partner_assessment(members["om"], signal, judgements(
        2, c3=judgements(3)[2]))
    rows, shown = partner_comparison(members["gemeente"], signal, published_framework())
    assert len(rows) == 5 and all(len(row.cells) == 3 for row in rows)
    assert len(shown) == 3
    assert rows[0].agreed == scale_value(1, 2)
    assert rows[2].agreed is None and rows[2].differs
    initial = prefill(rows)
    assert initial[criterion_field(1, "scale_value")] == scale_value(1, 2).pk
    assert members["politie"].partner.name in initial[criterion_field(1, "substantiation")]
    assert criterion_field(3, "scale_value") not in initial


def test_no_prefill_before_every_partner_has_judged(signal, members):
    record_partner_assessment(members["gemeente"], signal, judgements(2))
    record_partner_assessment(members["politie"], signal, judgements(2))
    rows, _ = partner_comparison(members["gemeente"], signal, published_framework())
    assert prefill(rows) == {}
    assert not any(row.differs for row in rows)


def test_a_shielded_partner_weging_shows_as_existing_without_content(signal, members):
    record_partner_assessment(members["politie"], signal, judgements(2),
                              visibility=ContributionVisibility.OWN_PARTNER)
    rows, shown = partner_comparison(members["om"], signal, published_framework())
    politie = next(c for c in rows[0].cells if c.partner == members["politie"].partner)
    assert politie.shielded and politie.judgement is None
    assert shown == []


def test_joint_form_shows_the_comparison_prefilled_and_records_the_reads(
    client, login, signal, members
):
    for member in members.values():
        record_partner_assessment(member, signal, judgements(2))
    login(members["gemeente"])
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    page = client.get(reverse("criteria:joint_assessment", args=[signal.pk])).content.decode()
    assert "De wegingen van de partners naast elkaar" in page
    assert f'value="{scale_value(1, 2).pk}"' in page
    chosen = page.split(f'value="{scale_value(1, 2).pk}"')[1].split(">")[0]
    assert "checked" in chosen
    # The page read: the three partner wegingen (and the signal's page parts it shows).
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() >= before + 3
