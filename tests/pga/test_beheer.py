"""The functioneel beheerder's screens: only the admin role enters; bad input gets Dutch
errors; roles become group memberships."""

from django.urls import reverse

from pga.authz import roles_of
from pga.models import PartnerKind, Role, User
from tests.factories import PartnerFactory


def test_only_the_admin_role_enters_the_beheer_screens(client, login, weegploeg, make_user):
    login(make_user(weegploeg.gemeente, Role.MEMBER, Role.AUDITOR, Role.COORDINATOR))
    assert client.get(reverse("beheer:index")).status_code == 403
    assert client.get(reverse("beheer:pga_user_changelist")).status_code == 403


def test_beheerder_creates_a_user_with_roles(client, login, beheerder, weegploeg):
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_add"),
        {
            "email": "nieuw@example.nl",
            "full_name": "Nieuwe Collega",
            "partner": weegploeg.politie.pk,
            "roles": [Role.MEMBER, Role.MELDPUNT],
            "is_active": "on",
            "password1": "Een-heel-sterk-wachtwoord-9",
            "password2": "Een-heel-sterk-wachtwoord-9",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="nieuw@example.nl")
    assert roles_of(user) == {Role.MEMBER, Role.MELDPUNT}
    assert user.check_password("Een-heel-sterk-wachtwoord-9")


def test_weak_password_in_beheer_gives_a_dutch_error_and_saves_nothing(
    client, login, beheerder, weegploeg
):
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_add"),
        {
            "email": "zwak@example.nl",
            "full_name": "Zwak Wachtwoord",
            "partner": weegploeg.politie.pk,
            "roles": [Role.MEMBER],
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dit wachtwoord is te kort" in body
    assert "zwak@example.nl" in body  # the typed input is kept
    assert not User.objects.filter(email="zwak@example.nl").exists()


def test_roles_without_a_partner_are_refused(client, login, beheerder):
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_add"),
        {
            "email": "zonder@example.nl",
            "full_name": "Zonder Partner",
            "roles": [Role.MEMBER],
            "password1": "Een-heel-sterk-wachtwoord-9",
            "password2": "Een-heel-sterk-wachtwoord-9",
        },
    )
    assert response.status_code == 200
    assert "Een gebruiker met rollen werkt voor een partner." in response.content.decode()
    assert not User.objects.filter(email="zonder@example.nl").exists()


def test_weegploeg_politie_seat_must_hold_a_politie_partner(client, login, beheerder):
    gemeente = PartnerFactory(kind=PartnerKind.GEMEENTE)
    om = PartnerFactory(kind=PartnerKind.OM)
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_weegploeg_add"),
        {"name": "Fout", "code": "fout", "politie": gemeente.pk, "om": om.pk},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Selecteer een geldige keuze" in body or "Kies een partner van de soort politie." in body


def test_changing_roles_replaces_the_group_memberships(client, login, beheerder, make_user):
    colleague = make_user(beheerder.partner, Role.MEMBER)
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_change", args=[colleague.pk]),
        {
            "email": colleague.email,
            "full_name": colleague.full_name,
            "partner": colleague.partner.pk,
            "roles": [Role.COORDINATOR],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    colleague.refresh_from_db()
    assert roles_of(User.objects.get(pk=colleague.pk)) == {Role.COORDINATOR}


def test_beheerder_lifts_a_lockout(client, login, beheerder, make_user):
    from axes.models import AccessAttempt

    locked = make_user(beheerder.partner, Role.MEMBER)
    AccessAttempt.objects.create(
        username=locked.email, failures_since_start=5, ip_address="10.0.0.1", user_agent="x",
        get_data="", post_data="", http_accept="", path_info="/account/login/",
    )
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_changelist"),
        {"action": "unlock", "_selected_action": [locked.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=locked.email).exists()


def test_beheerder_cannot_change_their_own_roles(client, login, beheerder, weegploeg):
    from pga.authz import roles_of as current_roles

    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_change", args=[beheerder.pk]),
        {"email": beheerder.email, "full_name": "Nieuwe naam", "partner": weegploeg.politie.pk,
         "roles": [Role.MEMBER, Role.ADMIN], "is_active": "on"},
    )
    assert response.status_code == 302
    beheerder.refresh_from_db()
    assert beheerder.full_name == "Nieuwe naam"
    assert beheerder.partner == weegploeg.gemeente
    assert current_roles(User.objects.get(pk=beheerder.pk)) == {Role.ADMIN}


def test_user_list_shows_roles(client, login, beheerder):
    login(beheerder)
    response = client.get(reverse("beheer:pga_user_changelist"))
    assert response.status_code == 200
    assert "Functioneel beheerder" in response.content.decode()


def test_partner_with_a_long_name_gets_role_groups(client, login, beheerder):
    login(beheerder)
    response = client.post(reverse("beheer:pga_partner_add"), {
        "kind": "gemeente", "name": "Gemeente " + "Lang" * 45, "code": "lang", "weegploeg": "",
    })
    assert response.status_code == 302
