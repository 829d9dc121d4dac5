"""The public form's rate limits (django-ratelimit, against the configured cache: Redis where
REDIS_URL is set, the local-memory cache otherwise). Only stored referrals count."""

import uuid

import pytest
from django.urls import reverse

from referrals.models import Submission
from tests.referrals.factories import referral_data


@pytest.fixture
def gemeente(weegploeg, settings):
    settings.RATELIMIT_ENABLE = True
    # A fresh key per test: counters in a shared cache outlive a test run.
    weegploeg.gemeente.code = f"g-{uuid.uuid4().hex[:12]}"
    weegploeg.gemeente.save()
    return weegploeg.gemeente


def _address():
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def _post(client, gemeente, address, **overrides):
    return client.post(reverse("referrals:public_form", kwargs={"gemeente": gemeente.code}),
                       referral_data(**overrides), REMOTE_ADDR=address)


def test_one_address_is_refused_after_its_limit(client, gemeente, settings):
    settings.REFERRAL_RATE_PER_ADDRESS = "3/h"
    address = _address()
    assert [_post(client, gemeente, address).status_code for _ in range(3)] == [200] * 3
    refused = _post(client, gemeente, address)
    assert refused.status_code == 429
    assert "112" in refused.content.decode()
    assert Submission.objects.count() == 3
    # Another address still gets through.
    assert _post(client, gemeente, _address()).status_code == 200


def test_a_gemeente_is_refused_after_its_limit_from_all_addresses(client, gemeente, settings):
    settings.REFERRAL_RATE_PER_GEMEENTE = "2/d"
    assert _post(client, gemeente, _address()).status_code == 200
    assert _post(client, gemeente, _address()).status_code == 200
    assert _post(client, gemeente, _address()).status_code == 429
    assert Submission.objects.count() == 2


def test_correcting_an_invalid_form_does_not_use_up_the_limit(client, gemeente, settings):
    settings.REFERRAL_RATE_PER_ADDRESS = "1/h"
    address = _address()
    for _ in range(3):
        assert _post(client, gemeente, address, observation="").status_code == 200
    assert _post(client, gemeente, address).status_code == 200
    assert Submission.objects.count() == 1
