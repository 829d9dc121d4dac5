"""The role guard of the services (`pga.authz.check_role`): one answer to "does this user
hold that role", shared with the views' `require_role` (docs/adr/0001-authorisation.md)."""

import pytest

from pga.authz import check_role
from pga.models import Role
from pga.services import RuleViolation

REFUSAL = "Alleen de functioneel beheerder doet dit."


def test_a_service_refuses_a_user_without_the_role_with_its_own_dutch_message(
    weegploeg, make_user
):
    member = make_user(weegploeg.politie, Role.MEMBER)
    with pytest.raises(RuleViolation) as refused:
        check_role(member, Role.ADMIN, Role.AUDITOR, refusal=REFUSAL)
    assert refused.value.message == REFUSAL


def test_a_service_lets_a_user_with_one_of_the_roles_through(weegploeg, make_user):
    check_role(make_user(weegploeg.politie, Role.AUDITOR), Role.ADMIN, Role.AUDITOR,
               refusal=REFUSAL)


def test_a_deactivated_user_holds_no_role(weegploeg, make_user):
    beheerder = make_user(weegploeg.politie, Role.ADMIN)
    beheerder.is_active = False
    with pytest.raises(RuleViolation):
        check_role(beheerder, Role.ADMIN, refusal=REFUSAL)
