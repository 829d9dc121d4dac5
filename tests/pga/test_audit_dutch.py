"""The audit screen and its export speak Dutch (issue 22): actions as the filter names them,
object types and changed fields by their Dutch `verbose_name`, time in local time
(Europe/Amsterdam) on one line."""

import csv
import datetime
import io

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.text import camel_case_to_spaces

from pga.audit import declaration
from pga.forms import AuditFilterForm
from pga.models import AuditEntry
from signals.models import Signal

# A summer night: 22:30:15 UTC is 00:30:15 the next day in Amsterdam (UTC+2).
AT = datetime.datetime(2026, 6, 30, 22, 30, 15, tzinfo=datetime.UTC)
LOCAL = "01-07-2026 00:30:15"
PROJECT_APPS = ("pga", "signals", "criteria", "weegploeg", "retention", "rights", "statistics",
                "referrals")
# Field and class names that are Dutch words already, so their default label is Dutch.
DUTCH_NAMES = {"code", "status", "partner", "weegploeg", "online", "postcode", "gemeente"}


@pytest.fixture
def retention_update(signal, weegploeg):
    """An update of the signal's retention clock, as django-auditlog writes it."""
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Signal), object_pk=str(signal.pk),
        object_id=signal.pk, object_repr=str(signal), action=AuditEntry.Action.UPDATE,
        changes={"retention_basis": ["", "casusoverleg"], "deletion_due": ["None", "2031-07-01"]},
        weegploeg=weegploeg, timestamp=AT,
    )


def test_the_audit_screen_shows_actions_types_and_fields_in_dutch_in_local_time(
    client, login, auditor, retention_update
):
    login(auditor)
    page = client.get(reverse("audit:log")).content.decode()
    at = page.index(LOCAL)
    row = page[page.rindex("<tr>", 0, at):page.index("</tr>", at)]
    assert f">{LOCAL}</time>" in row
    assert 'class="nowrap"' in row
    assert "<td>gewijzigd</td>" in row
    assert "<td>signaal " in row
    assert "<td>bewaartermijn, te vernietigen op</td>" in row
    for english in ("update", "deletion_due", "retention_basis", "signal "):
        assert english not in row


def test_the_csv_export_speaks_the_words_of_the_screen(client, login, auditor, retention_update):
    login(auditor)
    response = client.get(reverse("audit:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, *entries = rows
    row = dict(zip(header, next(r for r in entries if r[0] == LOCAL), strict=True))
    assert row["handeling"] == "gewijzigd"
    assert row["soort object"] == "signaal"
    assert row["gewijzigde velden"] == "bewaartermijn, te vernietigen op"
    assert row["verwerkingsactiviteit"] == str(retention_update.get_purpose_display())


def test_the_filter_names_the_actions_as_the_screen_shows_them(auditor):
    labels = [str(label) for _value, label in AuditFilterForm(auditor).fields["action"].choices]
    assert labels == ["Alle handelingen", "aangemaakt", "gewijzigd", "verwijderd", "ingezien"]
    shown = {str(AuditEntry(action=action).get_action_display())
             for action, _label in AuditEntry.Action.choices}
    assert shown == set(labels[1:])


def test_every_object_type_has_a_dutch_name():
    """The audit screen names an object's type by its model's verbose_name: none may be the
    English one Django derives from the class name ("decision record")."""
    english = [model._meta.label for app in PROJECT_APPS
               for model in apps.get_app_config(app).get_models()
               if str(model._meta.verbose_name) == camel_case_to_spaces(model.__name__)
               and model.__name__.lower() not in DUTCH_NAMES]
    assert english == []


def test_every_field_the_audit_log_can_name_has_a_dutch_label():
    """A changed field is shown by its verbose_name: each field of an audited model has one
    of its own, not the code name Django derives ("deletion due")."""
    english = [f"{model._meta.label}.{field.name}"
               for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()
               if declaration(model) is not None
               for field in model._meta.concrete_fields
               if str(field.verbose_name) == field.name.replace("_", " ")
               and field.name not in DUTCH_NAMES | set(declaration(model).excluded)]
    assert english == []
