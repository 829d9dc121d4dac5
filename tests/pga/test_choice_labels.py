"""`choice_label`: a `get_FOO_display` that a model defines itself gives what Django's own
would give — the label of each stored value, and an unknown value as it is."""

import types

from django.apps import apps
from django.utils.encoding import force_str

PROJECT_APPS = {"pga", "signals", "criteria", "weegploeg", "retention", "rights", "stats",
                "referrals", "worklist"}

# The fields the queue and the signal page show in every row (docs/adr/0007).
EXPECTED = {("signals", "Signal", "status"), ("signals", "Signal", "phenomenon"),
            ("signals", "Signal", "source_category"), ("signals", "Signal", "source_sector"),
            ("signals", "SignalEvent", "kind"), ("weegploeg", "AgendaItem", "status")}


def own_displays():
    """(model, field) for each field with choices whose model defines `get_FOO_display` as a
    function of its own (Django's is a `partialmethod`)."""
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            own = vars(model).get(f"get_{field.name}_display")
            if getattr(field, "choices", None) and isinstance(own, types.FunctionType):
                yield model, field


def test_an_own_get_display_gives_the_label_django_would_give():
    checked = set()
    for model, field in own_displays():
        display = getattr(model, f"get_{field.name}_display")
        for value, label in field.flatchoices:
            instance = model(**{field.attname: value})
            assert display(instance) == force_str(label), (model, field.name, value)
        unknown = model(**{field.attname: "geen-bekende-waarde"})
        assert display(unknown) == "geen-bekende-waarde"
        checked.add((model._meta.app_label, model.__name__, field.name))
    assert checked == EXPECTED
