"""The FG sees their own (issue 14): the audit entries whose actor worked for their partner,
and those about objects of the weegploegen their partner takes part in — nothing else, also
not through a filter, the choices of a filter or the CSV export."""

import pytest
from django.urls import reverse

from pga.audit import record_access
from pga.models import AuditEntry, Role
from tests.signals.factories import register


@pytest.fixture
def theirs(other_weegploeg, make_user):
    """B's signal, registered and read by B's own staff."""
    their_meldpunt = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    their_meldpunt.full_name = "Bea van Bestaande"
    their_meldpunt.save()
    signal = register(their_meldpunt, weegploeg=other_weegploeg)
    record_access(their_meldpunt, signal.person)
    return signal


@pytest.fixture
def mine(meldpunt, weegploeg):
    signal = register(meldpunt, weegploeg=weegploeg)
    record_access(meldpunt, signal.person)
    return signal


@pytest.fixture
def fgs(weegploeg, make_user):
    return [make_user(partner, Role.AUDITOR)
            for partner in (weegploeg.gemeente, weegploeg.politie, weegploeg.om)]


def test_an_fg_reads_the_entries_of_their_own_scope_only(theirs, mine, fgs):
    for fg in fgs:
        visible = AuditEntry.objects.visible_to(fg)
        assert visible.filter(weegploeg=mine.weegploeg).exists()
        assert not visible.filter(weegploeg=theirs.weegploeg).exists()
        assert not visible.filter(actor=theirs.registered_by).exists()


def test_the_fg_of_the_other_weegploeg_reads_theirs(theirs, mine, other_weegploeg, make_user):
    fg = make_user(other_weegploeg.om, Role.AUDITOR)
    visible = AuditEntry.objects.visible_to(fg)
    assert visible.filter(weegploeg=other_weegploeg).exists()
    assert not visible.filter(weegploeg=mine.weegploeg).exists()


def test_nobody_but_an_fg_reads_the_log(mine, weegploeg, make_user):
    for role in (Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR, Role.ADMIN):
        assert not AuditEntry.objects.visible_to(make_user(weegploeg.gemeente, role)).exists()


@pytest.mark.parametrize("url_name", ["audit:log", "audit:export"])
def test_filters_never_reach_another_weegploeg(client, login, theirs, mine, fgs, url_name):
    url = reverse(url_name)
    probes = [
        {"object_pk": str(theirs.pk)},
        {"object_pk": str(theirs.person_id)},
        {"person": str(theirs.person_id)},
        {"actor": str(theirs.registered_by_id)},
        {"partner": str(theirs.weegploeg.gemeente.pk)},
        {},
    ]
    for fg in fgs:
        login(fg)
        for query in probes:
            response = client.get(url, query)
            body = (b"".join(response.streaming_content) if response.streaming
                    else response.content).decode()
            assert theirs.reference not in body, (fg, query)
            assert "Bea van Bestaande" not in body, (fg, query)
            assert theirs.registered_by.email not in body, (fg, query)
            assert theirs.weegploeg.gemeente.name not in body, (fg, query)
        # The own scope is still there.
        own = client.get(reverse("audit:log"), {"object_pk": str(mine.pk)}).content.decode()
        assert mine.reference in own or str(mine.pk) in own


def test_the_audit_screen_reads_each_filter_list_with_one_plain_query(client, login, mine, fgs):
    """The lists of the filter (users, partners, kinds of object) are read with one query
    each, not through a server-side cursor (docs/adr/0007), and the page stays within the
    query budget of issue 17."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(fgs[0])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("audit:log"), {"object_pk": str(mine.pk)})
    assert response.status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in statements if sql.lstrip().upper().startswith("DECLARE")]
    assert len(statements) <= 15
