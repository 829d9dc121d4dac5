"""Partner isolation beyond status codes: what list pages and searches show to whom, what a
transfer leaves behind in the weegploeg that sent the dossier, and what the person's-rights
screens hand to users of other partners."""

import re

import pytest
from django.urls import reverse

from pga.models import Role
from retention.views import SUBJECT_SESSION_KEY
from signals.models import Signal, SignalStatus
from tests.rights.exports import export_and_download
from tests.security.conftest import ROLES, SHIELDED_CONTENT
from weegploeg.models import AgendaItem, ItemStatus

# Users who may not see weegploeg A's dossiers: everyone of weegploeg B, and the meldpunt of
# the politie of A (a meldpunt sees only its own partner's registrations). Admin and auditor
# hold no grants on signals anywhere; the auditor's log is left out (it names objects by
# their reference for every partner).
OUTSIDERS = [(role, "other") for role in ROLES] + [
    (Role.MELDPUNT, "same"), (Role.ADMIN, "own"), (Role.ADMIN, "same"),
]


def _list_requests(world):
    reference = world.signal.reference
    queue = reverse("signals:queue")
    return [
        (reverse("home"), {}),
        (reverse("signals:mine"), {}),
        (reverse("weegploeg:sessions"), {}),
        (queue, {}),
        *[(queue, {"status": status}) for status in SignalStatus.values],
        (queue, {"q": "Jansen"}),
        (queue, {"q": reference}),
    ]


def _shown_of_weegploeg_a(world, client):
    """(page, query, reference or surname) of A's dossiers that the client's lists show. The
    dossier B transferred to A (`world.transfer_in`) keeps its reference in B's list of
    transfers (rule 10), its person's name nowhere."""
    secrets = set()
    for signal in Signal.objects.filter(weegploeg=world.a).select_related("person"):
        secrets |= {signal.reference, signal.person.surname}
    secrets.discard(world.transfer_in.reference)
    shown = []
    for path, query in _list_requests(world):
        # A search is posted (the term never in a URL) and shown under a token.
        response = (client.post(path, query, follow=True) if "q" in query
                    else client.get(path, query))
        if response.status_code != 200:
            continue
        # The query itself comes back in the search box and the page links: leave it out.
        body = re.sub(r'value="[^"]*"|[?&]q=[^&"\s]*', "", response.content.decode())
        shown += [(path, query, secret) for secret in secrets if secret in body]
    return shown


@pytest.mark.parametrize(("role", "scope"), OUTSIDERS, ids=[f"{r}-{s}" for r, s in OUTSIDERS])
def test_lists_and_searches_show_nothing_of_another_weegploegs_dossiers(
    role, scope, world, as_user
):
    shown = _shown_of_weegploeg_a(world, as_user(world.user(role, scope)))
    assert not shown, shown


def test_the_same_lists_do_show_weegploeg_a_its_own_dossiers(world, as_user):
    """The check above is not blind: a member of A finds A's dossiers in the same lists."""
    shown = _shown_of_weegploeg_a(world, as_user(world.user(Role.MEMBER, "same")))
    assert {secret for _path, _query, secret in shown} >= {
        world.signal.reference, world.signal.person.surname
    }


def test_a_dossier_transferred_from_the_agenda_leaves_nothing_on_the_sending_agenda(
    world, as_user
):
    """Rule 10: after a transfer the sending weegploeg keeps only the Transfer row. A signal
    on the agenda of one of its sessions must not stay there (or the transfer must wait):
    otherwise closing that session rewrites the receiving weegploeg's dossier — its status
    and its timeline, in the name of the sending coordinator."""
    coordinator = world.user(Role.COORDINATOR, "own")
    signal = world.open_item.signal
    assert signal.status == SignalStatus.ON_AGENDA
    client = as_user(coordinator)
    response = client.post(reverse("signals:transfer", kwargs={"pk": signal.pk}),
                           {"municipality": world.b.gemeente.pk, "reason": "Verhuisd naar B."})
    assert response.status_code in (200, 302)
    signal.refresh_from_db()
    if signal.weegploeg_id == world.a.pk:
        return  # refused while on the agenda: nothing was left behind
    assert not AgendaItem.objects.filter(
        signal=signal, session__weegploeg=world.a, status=ItemStatus.OPEN
    ).exists(), "het agendapunt blijft open op de agenda van de verzendende weegploeg"

    status, events = signal.status, signal.events.count()
    client.post(reverse("weegploeg:session_action",
                        kwargs={"pk": world.session.pk, "action": "sluiten"}))
    signal.refresh_from_db()
    assert (signal.status, signal.events.count()) == (status, events)


# -- the person's rights (retention) ---------------------------------------------------------

STATED = {"purpose": "inzageverzoek", "case_number": "INZ-2026-4"}


def _stated(client):
    session = client.session
    session[SUBJECT_SESSION_KEY] = STATED
    session.save()
    return client


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_person_search_of_another_weegploeg_finds_nothing_of_weegploeg_a(role, world, as_user):
    """The functioneel beheerder and FG of a partner of weegploeg B search persons for a
    request under the AVG: the persons of weegploeg A's dossiers are not theirs to find."""
    person = world.signal.person
    response = as_user(world.user(role, "other")).post(
        reverse("rights:subject_search"), {**STATED, "name": person.surname}
    )
    assert response.status_code == 200
    results = re.sub(r'value="[^"]*"', "", response.content.decode())
    assert person.surname not in results
    assert reverse("rights:subject_person", kwargs={"pk": person.pk}) not in results


@pytest.mark.parametrize("scope", ["own", "other"])
def test_shielded_information_stays_with_its_partner_in_the_subject_access_export(
    scope, world, as_user, django_capture_on_commit_callbacks
):
    """docs/design.md §4.2: information a partner marks "own organisation only" (here a running
    criminal investigation of the politie) is invisible to the other partners. The inzage
    export compiled by the functioneel beheerder of the gemeente (own) or of another
    weegploeg's gemeente (other) must not carry its content."""
    client = _stated(as_user(world.user(Role.ADMIN, scope)))
    response = export_and_download(client, world.signal.person_id, "json",
                                   django_capture_on_commit_callbacks)
    if response.status_code == 404:
        return  # not this user's to export at all
    assert response.status_code == 200
    assert SHIELDED_CONTENT not in response.content.decode()
