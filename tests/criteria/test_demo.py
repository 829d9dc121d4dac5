"""The demo data holds a weging to look at, and seeding twice adds nothing."""

from django.core.management import call_command

from criteria import selectors
from criteria.models import Assessment


def test_demo_holds_partner_views_and_an_incomplete_joint_assessment(db):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Assessment.objects.count() == 3
    joint = Assessment.objects.get(kind="joint")
    assert not selectors.is_complete(joint)
    assert Assessment.objects.filter(visibility="own_partner").count() == 1
