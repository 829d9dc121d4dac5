"""Ordering the agenda (ADR 0002 §5): every item whose position changes is saved on its own,
so every change of the order is in the auditlog."""

from auditlog.models import LogEntry

from pga.models import AuditEntry
from tests.signals.factories import register
from weegploeg.services import add_to_agenda, move_item


def test_moving_an_item_up_swaps_it_with_its_neighbour_and_audits_both(
    item, coordinator, meldpunt, weegploeg
):
    second = add_to_agenda(coordinator, item.session, register(meldpunt, weegploeg=weegploeg))
    before = AuditEntry.objects.filter(content_type__model="agendaitem",
                                       action=LogEntry.Action.UPDATE).count()

    move_item(coordinator, second, -1)

    item.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, item.position) == (1, 2)
    moved = AuditEntry.objects.filter(content_type__model="agendaitem",
                                      action=LogEntry.Action.UPDATE).order_by("pk")[before:]
    assert sorted(int(entry.object_pk) for entry in moved) == sorted([item.pk, second.pk])


def test_moving_the_first_item_up_changes_nothing(item, coordinator):
    before = AuditEntry.objects.count()
    move_item(coordinator, item, -1)
    item.refresh_from_db()
    assert item.position == 1
    assert AuditEntry.objects.count() == before
