"""Counted words agree with their number (issue 22): "De agenda (1 punt)", not "(1 punten)"."""

from django.contrib.messages import get_messages
from django.urls import reverse


def test_publishing_an_agenda_of_one_item_says_one_punt(client, login, coordinator, item):
    login(coordinator)
    response = client.post(reverse("weegploeg:session_action",
                                   args=[item.session.pk, "publiceren"]))
    assert response.status_code == 302
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert "De agenda (1 punt) is verstuurd." in texts
