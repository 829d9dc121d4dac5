"""Rule 13 (issue 20): every exchange names its legal ground from the list the functioneel
beheerder keeps; the FG's export of exchanges per ground is scoped like the audit screen."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from pga.models import LegalGround, Role
from pga.services import RuleViolation
from signals.forms import ContributionForm
from signals.services import add_contribution
from tests.factories import legal_ground
from tests.signals.factories import register
from weegploeg.models import InformationRequest

SEEDED = {"Wpg art. 18", "Wpg art. 20", "Wjsg art. 39f",
          "AVG art. 6(1)(e) en het lokale convenant", "Nieuwe wet PGA-R"}


def contribution_fields(ground, content="Niet eerder bekend."):
    return {"source": "BVH", "information_date": timezone.localdate(), "content": content,
            "visibility": "weegploeg", "legal_ground": ground}


def test_the_list_is_seeded_and_the_placeholder_is_not_in_force(db):
    assert set(LegalGround.objects.values_list("name", flat=True)) >= SEEDED
    assert not LegalGround.objects.get(name="Nieuwe wet PGA-R").in_force


def test_a_contribution_without_a_ground_in_force_is_refused(meldpunt, weegploeg, members):
    signal = register(meldpunt, weegploeg=weegploeg)
    placeholder = LegalGround.objects.get(name="Nieuwe wet PGA-R")
    for ground in (None, placeholder):
        with pytest.raises(RuleViolation, match="grondslag"):
            add_contribution(members["politie"], signal, contribution_fields(ground))
    assert not signal.contributions.exists()
    contribution = add_contribution(members["politie"], signal,
                                    contribution_fields(legal_ground()))
    assert contribution.legal_ground == legal_ground()


def test_the_form_offers_only_grounds_in_force(db):
    offered = set(ContributionForm().fields["legal_ground"].queryset.values_list("name",
                                                                             flat=True))
    assert "Nieuwe wet PGA-R" not in offered
    assert "Wjsg art. 39f" in offered


def test_the_beheerder_keeps_the_list_and_cannot_delete_a_ground(weegploeg, make_user, login):
    client = login(make_user(weegploeg.politie, Role.ADMIN))
    response = client.post(reverse("beheer:pga_legalground_add"),
                           {"name": "Wet PGA-R art. 3", "source": "", "in_force": "on"})
    assert response.status_code == 302
    ground = LegalGround.objects.get(name="Wet PGA-R art. 3")
    assert client.get(reverse("beheer:pga_legalground_delete",
                              args=[ground.pk])).status_code == 403
    member = login(make_user(weegploeg.politie, Role.MEMBER))
    assert member.get(reverse("beheer:pga_legalground_changelist")).status_code == 403


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def exchanges(meldpunt, weegploeg, other_weegploeg, members, make_user, coordinator):
    """In A: a contribution of the politie and an information request to the OM (answered by
    a contribution); in B: a contribution of B's politie."""
    signal = register(meldpunt, weegploeg=weegploeg)
    add_contribution(members["politie"], signal, contribution_fields(legal_ground()))
    request = InformationRequest.objects.create(
        signal=signal, question="Wat is bekend?", assigned_partner=weegploeg.om,
        deadline=timezone.localdate() + datetime.timedelta(days=5), created_by=coordinator,
        legal_ground=LegalGround.objects.get(name="Wjsg art. 39f"))
    request.answer = add_contribution(members["om"], signal,
                                      contribution_fields(legal_ground(), "Antwoord."))
    request.save(update_fields=["answer"])
    b_meldpunt = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    b_signal = register(b_meldpunt, weegploeg=other_weegploeg)
    add_contribution(make_user(other_weegploeg.politie, Role.MEMBER), b_signal,
                     contribution_fields(legal_ground()))
    return signal, b_signal


def test_the_fg_exports_the_exchanges_of_own_weegploegen_per_ground(
    exchanges, weegploeg, make_user, login
):
    signal, b_signal = exchanges
    client = login(make_user(weegploeg.gemeente, Role.AUDITOR))
    rows = rows_of(client.get(reverse("statistics:exchanges")))
    assert sorted((r["grondslag"], r["soort uitwisseling"]) for r in rows) == [
        ("Wjsg art. 39f", "informatieverzoek"),
        ("Wpg art. 20", "antwoord op informatieverzoek"),
        ("Wpg art. 20", "informatie-inbreng"),
    ]
    assert {r["signaal"] for r in rows} == {signal.reference}
    assert "Antwoord." not in str(rows) and "Wat is bekend?" not in str(rows)


def test_another_weegploegs_fg_sees_none_of_them_also_not_through_the_filter(
    exchanges, weegploeg, other_weegploeg, make_user, login
):
    signal, b_signal = exchanges
    client = login(make_user(other_weegploeg.gemeente, Role.AUDITOR))
    rows = rows_of(client.get(reverse("statistics:exchanges")))
    assert {r["signaal"] for r in rows} == {b_signal.reference}
    assert rows_of(client.get(reverse("statistics:exchanges"),
                              {"weegploeg": weegploeg.pk})) == []


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.SUPERVISOR])
def test_only_the_fg_exports_exchanges(role, weegploeg, make_user, login):
    client = login(make_user(weegploeg.gemeente, role))
    assert client.get(reverse("statistics:exchanges")).status_code == 403
