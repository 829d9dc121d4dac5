"""Issue 18 point 4: the queue filter "wacht op mijn organisatie" — open signals on which the
user's organisation has no current partner weging yet. `criteria` adds it to the queue of
`signals` through `signals.queue_filters` (signals imports nothing of criteria)."""

import datetime

from django.urls import reverse

from criteria import assessments
from signals.forms import QueueFilterForm
from signals.services import queue
from tests.criteria.factories import judgements
from tests.signals.factories import person_fields, register

FILTER = "wacht_op_mijn_organisatie"


def test_waits_for_my_organisation_lists_the_signals_without_my_partners_weging(
    meldpunt, weegploeg, members
):
    weighed = register(meldpunt, weegploeg=weegploeg)
    waiting = register(meldpunt, weegploeg=weegploeg, person=person_fields(surname="Ander"))
    assessments.record_partner_assessment(members["politie"], weighed, judgements())
    assert set(queue(members["politie"], **{FILTER: True})) == {waiting}
    # Another organisation's weging does not count for mine.
    assert set(queue(members["om"], **{FILTER: True})) == {weighed, waiting}
    assert set(queue(members["politie"])) == {weighed, waiting}


def test_the_queue_form_offers_the_filter_and_the_page_applies_it(
    client, login, meldpunt, weegploeg, members
):
    weighed = register(meldpunt, weegploeg=weegploeg)
    waiting = register(meldpunt, weegploeg=weegploeg, person=person_fields(surname="Ander"))
    assessments.record_partner_assessment(members["politie"], weighed, judgements())
    assert FILTER in QueueFilterForm().fields
    login(members["politie"])
    page = client.get(reverse("signals:queue")).content.decode()
    assert "Wacht op mijn organisatie" in page and f'name="{FILTER}"' in page
    response = client.post(reverse("signals:queue"), {FILTER: "on"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"?{FILTER}=on")
    assert list(response.context["page"].object_list) == [waiting]


def test_the_filtered_queue_query_count_does_not_grow_with_the_page(
    client, login, meldpunt, weegploeg, members, django_assert_max_num_queries
):
    def fill(count):
        for n in range(count):
            register(meldpunt, weegploeg=weegploeg,
                     person=person_fields(surname=f"Persoon{n}", municipality=weegploeg.gemeente),
                     received_on=datetime.date(2026, 10, 1) + datetime.timedelta(days=n % 30))

    login(members["politie"])
    fill(3)
    url = f"{reverse('signals:queue')}?{FILTER}=on"
    client.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    fill(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
