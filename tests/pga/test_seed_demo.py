from django.contrib.auth.models import Group
from django.core.management import call_command

from pga.models import Partner, Role, RoleGroup, User, Weegploeg
from signals.models import Signal


def _snapshot():
    return {
        "partners": sorted(Partner.objects.values_list("code", "kind", "name", "weegploeg__code")),
        "weegploegen": sorted(Weegploeg.objects.values_list("code", "politie__code", "om__code")),
        "users": sorted(User.objects.values_list("email", "partner__code", "password")),
        "roles": sorted(RoleGroup.objects.values_list("partner__code", "role", "group__name")),
        "memberships": sorted(Group.objects.values_list("name", "user__email")),
        "signals": sorted(Signal.objects.values_list("reference", "person_id", "is_repeat")),
    }


def test_seed_demo_run_twice_gives_the_same_data(db, capsys):
    call_command("seed_demo")
    first = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == first
    # One user per role at each of the three partners.
    assert len(first["users"]) == 3 * len(Role)
    assert len(first["signals"]) == 4
    assert any(is_repeat for _ref, _person, is_repeat in first["signals"])
    assert "Demo-wachtwoord-2026" in capsys.readouterr().out


def test_seed_demo_weegploeg_has_its_three_core_partners(db):
    call_command("seed_demo")
    weegploeg = Weegploeg.objects.get(name="Regio Voorbeeld")
    assert sorted(weegploeg.partners().values_list("kind", flat=True)) == [
        "gemeente", "om", "politie",
    ]
