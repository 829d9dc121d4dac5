"""Hostile and careless input (issue 16): what an outside bad-input battery found that the
fuzzing missed. Each test names one finding; none may end in a 500, a database message or an
English page."""

import pytest
from django.urls import reverse


LOGIN_PATH = "/account/login/"


# -- 1. no 500, authenticated or not ---------------------------------------------------------


def test_login_with_a_username_longer_than_any_account_is_refused_without_an_error(client, db):
    response = client.post(LOGIN_PATH, {
        "login_view-current_step": "auth", "auth-username": "a" * 300 + "@example.nl",
        "auth-password": "geen-wachtwoord",
    })
    assert response.status_code == 200
    assert "auth-username" in response.content.decode()


def test_queue_page_number_beyond_64_bits_shows_the_last_page(login, members, signal):
    client = login(members["gemeente"])
    response = client.get(reverse("signals:queue"), {"pagina": "99999999999999999999"})
    assert response.status_code == 200
    assert signal.reference in response.content.decode()


@pytest.mark.parametrize("date_to", ["9999-12-31", "0001-01-01"])
def test_statistics_up_to_the_end_of_the_calendar_is_refused_with_a_dutch_message(
    login, members, date_to
):
    client = login(members["gemeente"])
    response = client.get(reverse("statistics:dashboard"), {"date_to": date_to})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert all("Beperking" not in message for messages in form.errors.values()
               for message in messages)


def test_statistics_for_the_last_months_of_the_calendar_are_shown(login, members):
    client = login(members["gemeente"])
    response = client.get(reverse("statistics:dashboard"),
                          {"date_from": "9999-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert len(response.context["figures"].per_month) == 12
