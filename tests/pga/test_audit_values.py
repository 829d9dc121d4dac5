"""The audit log records the processing, not the personal values (issue 15, docs/adr/0005):
who, when, what action on which object, which fields changed, for what purpose and for which
weegploeg — never the value of a field with personal data or free text."""

import datetime

import pytest
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from pga.audit import (
    VALUE_FIELDS,
    WITHHELD,
    acting_as,
    declaration,
    undeclared_value_fields,
    verify_audit_chain,
)
from pga.models import AuditEntry, Partner
from signals.models import Person, Signal
from signals.services import add_contribution, update_identity
from tests.factories import PartnerFactory, legal_ground
from tests.signals.factories import person_fields, register
from tests.weegploeg.factories import vote
from weegploeg.models import AgendaItem, Outcome, Vote
from weegploeg.services import (
    add_to_agenda,
    plan_session,
    prepare_decision,
    remove_from_agenda,
)


def audit_rows_text() -> str:
    """Every column of every audit entry, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT e::text FROM pga_auditentry e")
        return "\n".join(row for (row,) in cursor.fetchall())


def test_every_value_field_of_an_audited_model_is_declared_kept_or_withheld():
    """A field that may hold personal data or free text (a char, text, date, JSON, file or
    array field) on an audited model is declared in its app's `pga.audit.register` call:
    kept (not personal), withheld or excluded. A new field fails here until declared."""
    models = auditlog.get_models()
    assert len(models) >= 25
    assert {model._meta.label: undeclared_value_fields(model) for model in models
            if undeclared_value_fields(model)} == {}


def test_declarations_name_existing_fields_and_withheld_ones_are_masked_to_nothing():
    for model in auditlog.get_models():
        decl = declaration(model)
        names = {f.name for f in model._meta.concrete_fields}
        assert decl.kept | decl.withheld | decl.excluded <= names, model
        config = auditlog.get_model_fields(model)
        assert decl.withheld <= set(config["mask_fields"]), model
        assert config["mask_callable"] == "pga.audit.withhold"
        # Every value field not kept is masked, declared or not: nothing new leaks.
        value_fields = {f.name for f in model._meta.concrete_fields
                        if isinstance(f, VALUE_FIELDS)}
        assert value_fields - decl.kept - decl.excluded <= set(config["mask_fields"]), model


def test_the_persons_identity_is_withheld_from_the_log():
    assert {"first_names", "surname", "surname_prefix", "date_of_birth", "bsn", "address",
            "postcode", "label"} <= declaration(Person).withheld
    assert {"description", "reporter_name", "reporter_contact"} <= declaration(Signal).withheld
    assert "motivation" in declaration(Vote).withheld
    assert "joint_reasoning" in declaration(AgendaItem).withheld


def test_a_merged_person_leaves_no_value_in_the_log(meldpunt, weegploeg):
    """Issue 15, case 1: signal B about a misspelt surname is merged into the person of
    signal A; the audit entries of the merged-away person name the changed fields only."""
    with acting_as(meldpunt):
        first = register(meldpunt, weegploeg=weegploeg, person=person_fields(
            first_names="Ymke", surname="Vlietstra", bsn="123456782",
            date_of_birth=datetime.date(2001, 3, 9), municipality=weegploeg.gemeente))
        second = register(meldpunt, weegploeg=weegploeg, person=person_fields(
            first_names="Ymke", surname="Vlietsra", date_of_birth=datetime.date(2001, 3, 9),
            municipality=weegploeg.gemeente))
        merged_away = second.person_id
        assert merged_away != first.person_id
        update_identity(meldpunt, second, person_fields(
            first_names="Ymke", surname="Vlietstra", bsn="123456782",
            date_of_birth=datetime.date(2001, 3, 9), municipality=weegploeg.gemeente))
    second.refresh_from_db()
    assert second.person_id == first.person_id
    person_type = ContentType.objects.get_for_model(Person)
    created, deleted = (AuditEntry.objects.get(content_type=person_type,
                                               object_pk=str(merged_away), action=action)
                        for action in (AuditEntry.Action.CREATE, AuditEntry.Action.DELETE))
    assert created.changes["surname"] == [WITHHELD, WITHHELD]
    assert deleted.changes["date_of_birth"] == [WITHHELD, WITHHELD]
    assert deleted.weegploeg_id == weegploeg.pk
    text = audit_rows_text()
    for value in ("Vlietsra", "Vlietstra", "Ymke", "123456782", "2001-03-09"):
        assert value not in text
    assert verify_audit_chain() is None


def test_an_item_removed_from_the_agenda_leaves_no_reasoning_in_the_log(
    meldpunt, weegploeg, coordinator
):
    """Issue 15, case 2: the joint reasoning of an agenda item that was taken off the agenda."""
    signal = register(meldpunt, weegploeg=weegploeg)
    session = plan_session(coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1),
                           location="Stadhuis")
    with acting_as(coordinator):
        item = add_to_agenda(coordinator, session, signal)
        prepare_decision(coordinator, item, joint_reasoning="Jansen uit Kwelderdorp is zorgelijk.")
        remove_from_agenda(coordinator, item)
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(
        AgendaItem), object_pk=str(item.pk))
    assert set(entries.values_list("action", flat=True)) == {
        AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE}
    update = entries.get(action=AuditEntry.Action.UPDATE)
    assert update.changes["joint_reasoning"] == [WITHHELD, WITHHELD]
    assert "Kwelderdorp" not in audit_rows_text()


def test_each_entry_names_the_weegploeg_of_its_object_when_it_is_written(
    meldpunt, weegploeg, coordinator, members, client, login
):
    with acting_as(meldpunt):
        signal = register(meldpunt, weegploeg=weegploeg)
    with acting_as(members["politie"]):
        add_contribution(members["politie"], signal, {
            "source": "Politieregistratie", "information_date": datetime.date(2026, 10, 1),
            "content": "Eerder gezien.", "visibility": "weegploeg",
            "legal_ground": legal_ground(),
        })
    session = plan_session(coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1),
                           location="Stadhuis")
    item = add_to_agenda(coordinator, session, signal)
    prepare_decision(coordinator, item, joint_reasoning="Geen aanleiding.")
    for partner in ("gemeente", "politie", "om"):
        with acting_as(members[partner]):
            vote(members[partner], item, Outcome.NO_CASUSOVERLEG, "Geen aanleiding.")
    login(members["om"]).get(f"/signalen/{signal.pk}/")
    with acting_as(coordinator):
        PartnerFactory(name="Een partner buiten elke weegploeg")
    by_model = {}
    for entry in AuditEntry.objects.select_related("content_type"):
        by_model.setdefault(entry.content_type.model, set()).add(entry.weegploeg_id)
    for model in ("signal", "person", "contribution", "session", "agendaitem", "vote",
                  "decision"):
        assert by_model[model] == {weegploeg.pk}, model
    assert None in by_model["partner"]
    assert verify_audit_chain() is None


def test_a_partner_entry_keeps_its_values(beheerder):
    """Kept fields keep their values: the organisation's name is no personal data."""
    with acting_as(beheerder):
        partner = PartnerFactory(name="Gemeente Kwelderdorp")
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Partner),
                                   object_pk=str(partner.pk))
    assert entry.changes["name"][1] == "Gemeente Kwelderdorp"


@pytest.mark.django_db
def test_the_scrub_path_is_gone():
    import pga.audit

    assert not hasattr(pga.audit, "scrub_personal_values")
    assert not hasattr(pga.audit, "query_fingerprint")
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'pga_audit_append_only'")
        (source,) = cursor.fetchone()
    assert "audit_scrub" not in source
