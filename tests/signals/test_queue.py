"""The weegploeg queue: filters, search, pagination, and a query count that does not grow
with the number of signals on the page."""

import datetime

from django.urls import reverse

from signals.models import SignalStatus
from signals.services import withdraw_signal
from tests.signals.factories import person_fields, register, search_queue


def _fill(meldpunt, weegploeg, count):
    return [
        register(
            meldpunt,
            weegploeg=weegploeg,
            person=person_fields(surname=f"Persoon{n}", municipality=weegploeg.gemeente),
            received_on=datetime.date(2026, 10, 1) + datetime.timedelta(days=n % 30),
        )
        for n in range(count)
    ]


def test_queue_query_count_does_not_grow_with_the_page(
    client, login, meldpunt, weegploeg, members, django_assert_max_num_queries
):
    login(members["politie"])
    _fill(meldpunt, weegploeg, 3)
    url = reverse("signals:queue")
    client.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _fill(meldpunt, weegploeg, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25


def test_queue_filters_by_status_phenomenon_source_and_date(
    client, login, meldpunt, weegploeg, members, coordinator
):
    signals = _fill(meldpunt, weegploeg, 4)
    withdraw_signal(coordinator, signals[0], "Dubbele registratie van hetzelfde signaal.")
    login(members["gemeente"])
    url = reverse("signals:queue")
    assert client.get(url).context["page"].paginator.count == 3
    assert client.get(url, {"status": SignalStatus.WITHDRAWN}).context[
        "page"
    ].paginator.count == 1
    assert client.get(url, {"phenomenon": "links_extremisme"}).context["page"].paginator.count == 0
    assert client.get(url, {"source_category": "professional"}).context[
        "page"
    ].paginator.count == 3
    assert client.get(url, {"date_from": "2026-10-03", "date_to": "2026-10-03"}).context[
        "page"
    ].paginator.count == 1


def test_queue_search_by_reference_or_person_name(client, login, meldpunt, weegploeg, members):
    signals = _fill(meldpunt, weegploeg, 3)
    login(members["om"])
    by_reference = search_queue(client, signals[1].reference.lower()).context["page"]
    assert list(by_reference.object_list) == [signals[1]]
    by_name = search_queue(client, "jan persoon2").context["page"]
    assert list(by_name.object_list) == [signals[2]]


def test_a_name_matching_many_persons_is_searched_the_same_way(
    client, login, meldpunt, weegploeg, members, monkeypatch
):
    """Above SEARCH_PERSONS_LISTED matching persons the search hands Postgres a subquery
    instead of the persons' ids: the same signals either way."""
    from signals import services

    signals = _fill(meldpunt, weegploeg, 4)
    login(members["om"])
    listed = [s.pk for s in search_queue(client, "persoon").context["page"]]
    monkeypatch.setattr(services, "SEARCH_PERSONS_LISTED", 2)
    assert [s.pk for s in search_queue(client, "persoon").context["page"]] == listed
    assert sorted(listed) == sorted(s.pk for s in signals)


def test_search_hits_page_as_the_queue_does_and_read_a_page_in_one_query(
    client, login, meldpunt, weegploeg, members, coordinator, django_assert_num_queries
):
    """A search reads the ids of all its hits in one query and the rows of the page shown
    by those ids in a second (`SearchHits`, ADR 0007 §3): the queue's order and count,
    pages of 25, and one query for the rows of a page of 25 as of one of 100."""
    from signals import services
    from signals.models import Signal

    signals = _fill(meldpunt, weegploeg, 30)
    withdrawn = withdraw_signal(
        coordinator, signals[0], "Dubbele registratie van hetzelfde signaal.")
    login(members["om"])
    first = search_queue(client, "persoon")
    token_url = first.redirect_chain[-1][0]
    second = client.get(token_url, {"pagina": 2}).context["page"]
    first = first.context["page"]
    shown = sorted(signals[1:], key=lambda s: (s.received_on, s.pk), reverse=True)
    assert [s.pk for s in first] + [s.pk for s in second] == [s.pk for s in shown]
    assert first.paginator.count == second.paginator.count == 29
    assert withdrawn.pk not in [s.pk for s in first] + [s.pk for s in second]
    assert second[0].person.display_name.startswith("Jan ")

    user = members["om"]
    for page_size in (25, 100):
        hits = services.queue(user, q="persoon")
        with django_assert_num_queries(1):
            rows = hits[:page_size]
        assert [s.pk for s in rows] == [s.pk for s in shown][:page_size]
    assert isinstance(rows[0], Signal)


def test_queue_with_bad_filter_dates_shows_a_dutch_error(client, login, members):
    login(members["om"])
    response = client.get(reverse("signals:queue"), {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert "Voer een geldige datum in." in response.content.decode()


def test_queue_pages_count_and_order_as_one_list(client, login, meldpunt, weegploeg, members):
    """Every page shows its part of the one ordering, the total on each page; a page number
    that is no number shows the first page, one out of range the last (Django's
    `Paginator.get_page`)."""
    signals = _fill(meldpunt, weegploeg, 30)
    login(members["om"])
    url = reverse("signals:queue")
    expected = [s.pk for s in sorted(signals, key=lambda s: (s.received_on, s.pk), reverse=True)]
    first, second = client.get(url).context["page"], client.get(url, {"pagina": 2}).context["page"]
    assert [s.pk for s in first] + [s.pk for s in second] == expected
    assert first.paginator.count == second.paginator.count == 30
    assert (first.has_next(), second.has_next(), second.number) == (True, False, 2)
    assert second[0].person.display_name.startswith("Jan ")
    for beyond in ("3", "99", "nul", "-1"):
        page = client.get(url, {"pagina": beyond}).context["page"]
        assert page.number == (1 if beyond == "nul" else 2)


def test_the_filter_panel_folds_on_a_phone_only_while_no_filter_is_in_use(
    client, login, members
):
    """The template marks the panel `data-fold-narrow` (static/js/filter-panel.js closes it on
    a phone) when the URL carries no filter; a filtered queue keeps its filters in view."""
    login(members["politie"])
    plain = client.get(reverse("signals:queue")).content.decode()
    filtered = client.get(reverse("signals:queue"), {"status": SignalStatus.REGISTERED})
    assert '<details class="filter-panel" open data-fold-narrow>' in plain
    assert '<details class="filter-panel" open>' in filtered.content.decode()
