"""The beheer screens: the installatiebeheerder (superuser) manages partners, weegploegen and
every user; a partner's functioneel beheerder only the users and roles of their own partner
and cannot grant their own role. Bad input gets Dutch errors; roles become group
memberships."""

from django.urls import reverse

from pga.authz import roles_of
from pga.models import PartnerKind, Role, User
from tests.factories import PartnerFactory


def test_only_the_admin_role_enters_the_beheer_screens(client, login, weegploeg, make_user):
    login(make_user(weegploeg.gemeente, Role.MEMBER, Role.AUDITOR, Role.COORDINATOR))
    assert client.get(reverse("beheer:index")).status_code == 403
    assert client.get(reverse("beheer:pga_user_changelist")).status_code == 403


def test_installatiebeheerder_creates_a_user_with_roles_at_any_partner(
    client, login, installatiebeheerder, weegploeg
):
    login(installatiebeheerder)
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
    client, login, installatiebeheerder, weegploeg
):
    login(installatiebeheerder)
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


def test_roles_without_a_partner_are_refused(client, login, installatiebeheerder):
    login(installatiebeheerder)
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


def test_weegploeg_politie_seat_must_hold_a_politie_partner(client, login,
                                                           installatiebeheerder):
    gemeente = PartnerFactory(kind=PartnerKind.GEMEENTE)
    om = PartnerFactory(kind=PartnerKind.OM)
    login(installatiebeheerder)
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


def test_partner_with_a_long_name_gets_role_groups(client, login, installatiebeheerder):
    login(installatiebeheerder)
    response = client.post(reverse("beheer:pga_partner_add"), {
        "kind": "gemeente", "name": "Gemeente " + "Lang" * 45, "code": "lang", "weegploeg": "",
    })
    assert response.status_code == 302


NEW_USER = {"email": "nieuw@example.nl", "full_name": "Nieuwe Collega", "is_active": "on",
            "password1": "Een-heel-sterk-wachtwoord-9",
            "password2": "Een-heel-sterk-wachtwoord-9"}


def test_beheerder_creates_users_only_at_their_own_partner(client, login, beheerder, weegploeg,
                                                           other_weegploeg):
    login(beheerder)
    response = client.post(reverse("beheer:pga_user_add"), {
        **NEW_USER, "partner": other_weegploeg.politie.pk,
        "roles": [Role.MEMBER, Role.COORDINATOR]})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="nieuw@example.nl")
    assert user.partner == beheerder.partner  # the typed partner is not theirs to choose
    assert roles_of(user) == {Role.MEMBER, Role.COORDINATOR}


def test_beheerder_cannot_grant_the_functioneel_beheerder_role(client, login, beheerder,
                                                               make_user):
    login(beheerder)
    response = client.post(reverse("beheer:pga_user_add"),
                           {**NEW_USER, "roles": [Role.ADMIN, Role.MEMBER]})
    assert response.status_code == 200
    assert not User.objects.filter(email=NEW_USER["email"]).exists()
    colleague = make_user(beheerder.partner, Role.MEMBER)
    client.post(reverse("beheer:pga_user_change", args=[colleague.pk]), {
        "email": colleague.email, "full_name": colleague.full_name, "is_active": "on",
        "roles": [Role.ADMIN]})
    assert Role.ADMIN not in roles_of(User.objects.get(pk=colleague.pk))


def test_another_partners_users_do_not_exist_for_a_beheerder(client, login, beheerder,
                                                             weegploeg, other_weegploeg,
                                                             make_user):
    theirs = make_user(other_weegploeg.politie, Role.MEMBER)
    same_weegploeg = make_user(weegploeg.politie, Role.MEMBER)
    login(beheerder)
    for user in (theirs, same_weegploeg):
        assert client.get(reverse("beheer:pga_user_change", args=[user.pk])).status_code == 404
        response = client.post(reverse("beheer:pga_user_change", args=[user.pk]), {
            "email": user.email, "full_name": "Overgenomen", "is_active": "on",
            "roles": [Role.COORDINATOR]})
        assert response.status_code == 404
        assert User.objects.get(pk=user.pk).full_name != "Overgenomen"
        assert roles_of(User.objects.get(pk=user.pk)) == {Role.MEMBER}
    listing = client.get(reverse("beheer:pga_user_changelist")).content.decode()
    assert theirs.email not in listing and same_weegploeg.email not in listing


def test_partners_and_weegploegen_belong_to_the_installatiebeheerder(client, login, beheerder,
                                                                     weegploeg):
    login(beheerder)
    for name in ("beheer:pga_partner_changelist", "beheer:pga_weegploeg_changelist",
                 "beheer:pga_partner_add"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("beheer:pga_weegploeg_change",
                              args=[weegploeg.pk])).status_code == 403


def test_the_installatiebeheerder_makes_the_first_beheerder_of_a_partner(
    client, login, installatiebeheerder, weegploeg
):
    login(installatiebeheerder)
    response = client.post(reverse("beheer:pga_user_add"), {
        **NEW_USER, "partner": weegploeg.om.pk, "roles": [Role.ADMIN]})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert roles_of(User.objects.get(email=NEW_USER["email"])) == {Role.ADMIN}


def test_createsuperuser_makes_an_installatiebeheerder(db):
    from django.core.management import call_command

    call_command("createsuperuser", interactive=False, email="installatie@example.nl",
                 full_name="Installatiebeheer")
    user = User.objects.get(email="installatie@example.nl")
    assert user.is_superuser and user.partner is None and not roles_of(user)
