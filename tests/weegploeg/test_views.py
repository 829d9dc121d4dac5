"""The weegploeg screens: planning, agenda, voting through the browser forms, and 404 for
anyone outside the weegploeg."""

import pytest
from django.urls import reverse

from signals.models import SignalStatus
from tests.weegploeg.factories import state_consulted, vote
from weegploeg.models import Decision, Session, Vote

MOTIVATION = "Feiten wijzen op geweldsbereidheid."


def test_coordinator_plans_a_session_and_puts_a_signal_on_the_agenda(
    client, login, coordinator, weegploeg, assessed
):
    login(coordinator)
    response = client.post(reverse("weegploeg:sessions"), {
        "weegploeg": weegploeg.pk, "starts_at": "2030-01-15T14:00", "location": "Stadhuis",
    })
    assert response.status_code == 302
    session = Session.objects.get()
    response = client.post(
        reverse("weegploeg:session_action", args=[session.pk, "toevoegen"]),
        {"signal": assessed.pk},
    )
    assert response.status_code == 302
    assessed.refresh_from_db()
    assert assessed.status == SignalStatus.ON_AGENDA
    page = client.get(reverse("weegploeg:session", args=[session.pk])).content.decode()
    assert assessed.reference in page


def test_session_without_place_gives_a_dutch_error(client, login, coordinator, weegploeg):
    login(coordinator)
    response = client.post(reverse("weegploeg:sessions"), {
        "weegploeg": weegploeg.pk, "starts_at": "2030-01-15T14:00", "location": "",
    })
    assert response.status_code == 200
    assert "Geef de plaats van het overleg, of kies online." in response.content.decode()
    assert not Session.objects.exists()


def test_three_members_vote_through_the_form_and_the_decision_appears(
    client, login, item, members
):
    url = reverse("weegploeg:item", args=[item.pk])
    for member in members.values():
        login(member)
        response = client.post(url, {"integraal": "1", "result": "nothing_known"})
        assert response.status_code == 302
        response = client.post(url, {"stem": "1", "outcome": "casusoverleg",
                                     "motivation": MOTIVATION})
        assert response.status_code == 302
    decision = Decision.objects.get()
    page = client.get(url).content.decode()
    assert "Casusoverleg" in page
    assert reverse("weegploeg:decision", args=[decision.pk]) in page


def test_vote_without_motivation_gives_a_dutch_error_next_to_the_field(
    client, login, item, members
):
    state_consulted(item, members["politie"].partner)
    login(members["politie"])
    response = client.post(reverse("weegploeg:item", args=[item.pk]),
                           {"stem": "1", "outcome": "casusoverleg", "motivation": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_motivation_error"' in body
    assert "Dit veld is verplicht." in body
    assert not Vote.objects.exists()


def test_casusoverleg_vote_on_incomplete_assessment_gives_a_dutch_error(
    client, login, coordinator, session, signal, members
):
    from weegploeg.services import add_to_agenda, prepare_decision

    item = prepare_decision(coordinator, add_to_agenda(coordinator, session, signal),
                            invited_parties=["lse"])
    state_consulted(item, members["om"].partner)
    login(members["om"])
    response = client.post(reverse("weegploeg:item", args=[item.pk]),
                           {"stem": "1", "outcome": "casusoverleg", "motivation": MOTIVATION})
    assert response.status_code == 200
    assert "volledige gezamenlijke weging" in response.content.decode()
    assert not Vote.objects.exists()


def test_voting_on_a_closed_session_gives_a_dutch_error(client, login, item, members,
                                                       coordinator):
    from weegploeg.services import close_session

    close_session(coordinator, item.session)
    login(members["om"])
    page = client.get(reverse("weegploeg:item", args=[item.pk])).content.decode()
    assert 'name="stem"' not in page
    response = client.post(reverse("weegploeg:item", args=[item.pk]),
                           {"stem": "1", "outcome": "casusoverleg", "motivation": MOTIVATION})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_outsider_gets_404_on_session_item_and_decision(client, login, item, members, outsider):
    for member in members.values():
        vote(member, item, "casusoverleg", MOTIVATION)
    decision = Decision.objects.get()
    login(outsider)
    for url in [
        reverse("weegploeg:session", args=[item.session_id]),
        reverse("weegploeg:item", args=[item.pk]),
        reverse("weegploeg:decision", args=[decision.pk]),
        reverse("weegploeg:handover", args=[decision.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("weegploeg:session_action", args=[item.session_id, "sluiten"]))
    assert response.status_code == 404


def test_members_cannot_manage_the_agenda(client, login, item, members):
    login(members["politie"])
    response = client.post(reverse("weegploeg:session_action", args=[item.session_id, "sluiten"]))
    assert response.status_code == 403
    response = client.post(reverse("weegploeg:item_action", args=[item.pk, "verwijderen"]))
    assert response.status_code == 403


@pytest.mark.parametrize("role_fixture", ["meldpunt"])
def test_meldpunt_has_no_sessions(client, login, request, role_fixture):
    login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("weegploeg:sessions")).status_code == 403


def test_a_signal_on_the_agenda_is_not_transferred_or_withdrawn(item, coordinator,
                                                                other_weegploeg):
    from pga.services import RuleViolation
    from signals.services import transfer_signal, withdraw_signal

    with pytest.raises(RuleViolation, match="agenda"):
        transfer_signal(coordinator, item.signal, other_weegploeg, "Verhuisd naar elders.")
    with pytest.raises(RuleViolation, match="agenda"):
        withdraw_signal(coordinator, item.signal, "Onterecht geregistreerd signaal.")
    item.signal.refresh_from_db()
    assert item.signal.weegploeg_id == item.session.weegploeg_id
