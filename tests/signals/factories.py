"""Signals are made through the registration service, so that every test signal has the
grants, reference number and timeline a real one has."""

import datetime

from signals.models import Phenomenon, SourceCategory
from signals.services import register_signal


def person_fields(**overrides):
    fields = {
        "first_names": "Jan",
        "surname_prefix": "",
        "surname": "Jansen",
        "date_of_birth": datetime.date(2004, 5, 17),
        "bsn": "",
        "label": "",
        "address": "",
        "postcode": "",
        "municipality": None,
    }
    fields.update(overrides)
    return fields


def signal_fields(**overrides):
    fields = {
        "received_on": datetime.date(2026, 11, 2),
        "source_category": SourceCategory.PROFESSIONAL,
        "source_sector": "onderwijs",
        "reporter_name": "Mentor",
        "reporter_organisation": "College",
        "reporter_contact": "",
        "description": "Deelde op school herhaaldelijk propaganda en sprak over geweld.",
        "behaviour_from": datetime.date(2026, 10, 20),
        "behaviour_to": None,
        "phenomenon": Phenomenon.JIHADISM,
        "acute_danger": False,
    }
    fields.update(overrides)
    return fields


def search_queue(client, q, **filters):
    """Search the queue as the page does: the term is posted, the result shown under a
    token (the name never in a URL)."""
    from django.urls import reverse

    return client.post(reverse("signals:queue"), {"q": q, **filters}, follow=True)


def register(user, *, weegploeg=None, person=None, attachments=(), **signal_overrides):
    """Register a signal as `user`; `person` is a dict of person fields (default: a Jan
    Jansen living in the user's weegploeg's gemeente when `weegploeg` is given)."""
    if person is None:
        person = person_fields(municipality=weegploeg.gemeente if weegploeg else None)
    return register_signal(
        user,
        signal_fields=signal_fields(**signal_overrides),
        person_fields=person,
        weegploeg=weegploeg,
        attachments=attachments,
    ).signal
