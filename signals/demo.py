"""Demo signals for `seed_demo`: fictional people and events, including a repeat signal and
a pseudonymous one. Skipped when the demo weegploeg already has signals (idempotent)."""

import datetime

from pga.models import User
from signals.legal import grounds_in_force
from signals.services import add_contribution, register_signal

DEMO_SIGNALS = [
    {
        "by": "meldpunt.gemeente",
        "person": {"first_names": "Youssef", "surname": "Bakker", "bsn": "111222333",
                   "date_of_birth": datetime.date(2007, 4, 12), "address": "Dorpsstraat 1"},
        "signal": {
            "received_on": datetime.date(2026, 10, 6), "source_category": "professional",
            "source_sector": "onderwijs", "reporter_name": "M. de Mentor",
            "reporter_organisation": "Voorbeeldcollege", "phenomenon": "jihadisme",
            "behaviour_from": datetime.date(2026, 9, 29),
            "description": "Leerling deelde in de klassenapp een video van een aanslag met de "
                           "tekst dat 'dit verdiend was'. Trekt zich volgens de mentor sinds de "
                           "zomer terug uit de klas.",
        },
    },
    {
        "by": "member.politie",
        "person": {"first_names": "Youssef", "surname": "Bakker",
                   "date_of_birth": datetime.date(2007, 4, 12)},
        "signal": {
            "received_on": datetime.date(2026, 11, 3), "source_category": "politie_registratie",
            "phenomenon": "jihadisme", "behaviour_from": datetime.date(2026, 11, 1),
            "description": "Bij een controle in het winkelcentrum droeg betrokkene een vlag van "
                           "een verboden organisatie. Gesprek gevoerd, geen strafbaar feit.",
        },
    },
    {
        "by": "meldpunt.gemeente",
        "person": {"label": "Jongen skatepark"},
        "signal": {
            "received_on": datetime.date(2026, 11, 10), "source_category": "burger",
            "phenomenon": "rechts_extremisme", "behaviour_from": datetime.date(2026, 11, 8),
            "description": "Buurtbewoner zag een jongen van ongeveer 16 jaar stickers met "
                           "racistische leuzen plakken bij het skatepark en hoorde hem roepen "
                           "dat 'het tijd wordt voor actie'.",
        },
    },
    {
        "by": "meldpunt.gemeente",
        "person": {"first_names": "Peter", "surname_prefix": "van", "surname": "Dam",
                   "date_of_birth": datetime.date(1971, 8, 30)},
        "signal": {
            "received_on": datetime.date(2026, 11, 14), "source_category": "professional",
            "source_sector": "woningcorporatie", "phenomenon": "anti_institutioneel",
            "behaviour_from": datetime.date(2026, 10, 1),
            "behaviour_to": datetime.date(2026, 11, 12),
            "description": "Huurder weigert de overheid te erkennen, stuurt dreigbrieven naar "
                           "medewerkers en schrijft dat 'ambtenaren zich zullen moeten "
                           "verantwoorden voor een volkstribunaal'.",
        },
    },
]


def seed(weegploeg):
    if weegploeg.signals.exists():
        return
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__contains="@demo.")}
    registered = []
    for item in DEMO_SIGNALS:
        person = {"municipality": weegploeg.gemeenten.first(), **item["person"]}
        registration = register_signal(
            users[item["by"]], signal_fields=item["signal"], person_fields=person,
            weegploeg=weegploeg,
        )
        registered.append(registration.signal)
    add_contribution(users["member.politie"], registered[0], {
        "source": "Politiesystemen (BVH)",
        "information_date": datetime.date(2026, 10, 9),
        "content": "Betrokkene is niet eerder met politie in aanraking geweest.",
        "visibility": "weegploeg",
        "legal_ground": grounds_in_force().get(name="Wpg art. 20"),
    })
    add_contribution(users["member.om"], registered[3], {
        "source": "Lopend onderzoek",
        "information_date": datetime.date(2026, 11, 15),
        "content": "Er loopt een onderzoek naar bedreiging; details afgeschermd.",
        "visibility": "own_partner",
        "legal_ground": grounds_in_force().get(name="Wjsg art. 39f"),
    })
