"""Factories of the core (partners, weegploegen, users with roles). Apps add their own
factories next to their tests; these are the ones every app needs."""

import factory
from factory.django import DjangoModelFactory

from pga.models import LegalGround, Partner, PartnerKind, User, Weegploeg
from pga.services import ensure_role_groups, set_roles

TEST_PASSWORD = "Een-lang-testwachtwoord-42"


def legal_ground() -> LegalGround:
    """A legal ground in force, as seeded (pga migration 0015); made again after a test that
    emptied the database."""
    return LegalGround.objects.get_or_create(name="Wpg art. 20", defaults={"in_force": True})[0]


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    kind = PartnerKind.GEMEENTE
    name = factory.Sequence(lambda n: f"Partner {n}")
    code = factory.Sequence(lambda n: f"partner-{n}")

    @factory.post_generation
    def role_groups(obj, create, extracted, **kwargs):
        if create:
            ensure_role_groups(obj)


class WeegploegFactory(DjangoModelFactory):
    """A weegploeg with its politie and OM partner and one gemeente (`.gemeente`)."""

    class Meta:
        model = Weegploeg
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Weegploeg {n}")
    code = factory.Sequence(lambda n: f"wp{n}")
    politie = factory.SubFactory(PartnerFactory, kind=PartnerKind.POLITIE)
    om = factory.SubFactory(PartnerFactory, kind=PartnerKind.OM)

    @factory.post_generation
    def gemeente(obj, create, extracted, **kwargs):
        if create:
            obj.gemeente = extracted or PartnerFactory(kind=PartnerKind.GEMEENTE, weegploeg=obj)


class UserFactory(DjangoModelFactory):
    """A user of `partner` holding `roles` (a list of Role values)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.nl")
    full_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    partner = factory.SubFactory(PartnerFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted:
            set_roles(None, obj, extracted)
