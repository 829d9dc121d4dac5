"""Demo data for the embedded run: one weegploeg, its three partners, a user per role and
partner. Idempotent: running it again changes nothing (passwords are set only on creation).
Each app may add its own demo data in a `demo.py` with `seed(weegploeg)`; they run in the
order of INSTALLED_APPS, which follows the apps' dependencies."""

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from pga.audit import processing
from pga.models import Partner, PartnerKind, ProcessingActivity, Role, User, Weegploeg
from pga.services import ensure_role_groups, set_roles

DEMO_PASSWORD = "Demo-wachtwoord-2026"  # noqa: S105 - printed on purpose, demo only
DEMO_DOMAIN = "demo.weegploeg.nl"



def app_demo_steps():
    for app_config in apps.get_app_configs():
        module = f"{app_config.name}.demo"
        if importlib.util.find_spec(module) is not None:
            yield importlib.import_module(module).seed


def demo_email(role: str, kind: str) -> str:
    return f"{role}.{kind}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = "Laad demogegevens (idempotent) en toon de demo-logins."

    @transaction.atomic
    def handle(self, *args, **options):
        with processing(ProcessingActivity.MANAGEMENT):
            weegploeg = self.seed_core()
            for step in app_demo_steps():
                step(weegploeg)
        self.print_logins()

    def seed_core(self) -> Weegploeg:
        politie, _ = Partner.objects.get_or_create(
            code="politie-voorbeeld",
            defaults={"kind": PartnerKind.POLITIE, "name": "Politie Eenheid Voorbeeld"},
        )
        om, _ = Partner.objects.get_or_create(
            code="om-voorbeeld",
            defaults={"kind": PartnerKind.OM, "name": "OM Parket Voorbeeld"},
        )
        weegploeg, _ = Weegploeg.objects.get_or_create(
            code="wp", defaults={"name": "Regio Voorbeeld", "politie": politie, "om": om}
        )
        gemeente, _ = Partner.objects.get_or_create(
            code="gemeente-voorbeeld",
            defaults={
                "kind": PartnerKind.GEMEENTE,
                "name": "Gemeente Voorbeeld",
                "weegploeg": weegploeg,
            },
        )
        for partner in (gemeente, politie, om):
            ensure_role_groups(partner)
            for role in Role:
                user, created = User.objects.get_or_create(
                    email=demo_email(role, partner.kind),
                    defaults={
                        "full_name": f"{Role(role).label} {partner.name}",
                        "partner": partner,
                    },
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
                    set_roles(None, user, [role])
        return weegploeg

    def print_logins(self):
        self.stdout.write(f"Demo-logins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for user in User.objects.filter(email__endswith="@" + DEMO_DOMAIN).order_by("email"):
            self.stdout.write(f"  {user.email}")
