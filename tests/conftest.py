import datetime

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pga.models import Role
from tests.factories import UserFactory, WeegploegFactory


@pytest.fixture(scope="session", autouse=True)
def _no_audit_for_database_restores():
    """Transactional tests restore the migrations' seeded rows with raw saves; those restores
    are test plumbing, not processing, and must not write audit entries (they would also
    collide with the restored head of the audit hash chain)."""
    from django.test import override_settings

    override = override_settings(AUDITLOG_DISABLE_ON_RAW_SAVE=True)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # The test client speaks plain HTTP; production redirects to HTTPS (SECURE_SSL_REDIRECT).
    settings.SECURE_SSL_REDIRECT = False
    # Many users per test; the production password hasher's cost buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in the test's own transaction (and the test reads what they made), not in a
    # thread of their own; tests of the embedded run's threads turn this on.
    settings.EAGER_TASKS_IN_THREADS = False
    # The public form's rate limits would turn the security suite's many posts into 429s;
    # tests/referrals/test_rate_limits.py switches them on against the configured cache.
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Stored files (attachments, decision records, exports) go to a fresh private directory
    per test, never into the checkout's var/. Tests that inspect storage use this path."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
        # Templates are rendered without a `collectstatic` manifest.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process in tests, also where REDIS_URL is set (as in CI); tests marked
    `real_worker` use a real worker against Redis instead."""
    from pga.celery import app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def weegploeg(db):
    return WeegploegFactory()


@pytest.fixture
def other_weegploeg(db):
    return WeegploegFactory()


@pytest.fixture
def make_user(db):
    """make_user(partner, *roles): a user of `partner` with `roles`."""

    def make(partner, *roles):
        return UserFactory(partner=partner, roles=list(roles))

    return make



@pytest.fixture
def login(client):
    """login(user): log `user` in on the test client with a verified second factor, as after
    a complete two-factor login."""

    def do_login(user, the_client=None):
        the_client = the_client or client
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        the_client.force_login(user)
        session = the_client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return the_client

    return do_login


@pytest.fixture
def auditor(weegploeg, make_user):
    return make_user(weegploeg.gemeente, Role.AUDITOR)


@pytest.fixture
def beheerder(weegploeg, make_user):
    return make_user(weegploeg.gemeente, Role.ADMIN)


@pytest.fixture
def installatiebeheerder(db):
    """The installation administrator: a superuser without partner or roles."""
    from pga.models import User

    return User.objects.create_superuser("installatie@example.nl", "x", full_name="Installatie")


@pytest.fixture
def meldpunt(weegploeg, make_user):
    return make_user(weegploeg.gemeente, Role.MELDPUNT)


@pytest.fixture
def members(weegploeg, make_user):
    """One weegploeg member per core partner: gemeente, politie, OM."""
    return {
        "gemeente": make_user(weegploeg.gemeente, Role.MEMBER),
        "politie": make_user(weegploeg.politie, Role.MEMBER),
        "om": make_user(weegploeg.om, Role.MEMBER),
    }


@pytest.fixture
def coordinator(weegploeg, make_user):
    return make_user(weegploeg.gemeente, Role.COORDINATOR)


@pytest.fixture
def outsider(other_weegploeg, make_user):
    """A politie member (and coordinator) of another weegploeg."""
    return make_user(other_weegploeg.politie, Role.MEMBER, Role.COORDINATOR)


@pytest.fixture
def session(coordinator, weegploeg):
    from weegploeg.services import plan_session

    return plan_session(
        coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1), location="Stadhuis"
    )


@pytest.fixture
def signal(meldpunt, weegploeg):
    from tests.signals.factories import register

    return register(meldpunt, weegploeg=weegploeg)


@pytest.fixture
def assessed(signal, members):
    """The signal with a complete joint assessment."""
    from criteria.assessments import record_joint_assessment
    from tests.criteria.factories import judgements

    record_joint_assessment(
        members["gemeente"], signal, judgements(), "Zorgen over geweldsbereidheid; bespreken."
    )
    return signal


@pytest.fixture
def item(coordinator, session, assessed):
    """The assessed signal on the session's agenda, parties to invite prepared."""
    from weegploeg.services import add_to_agenda, prepare_decision

    item = add_to_agenda(coordinator, session, assessed)
    return prepare_decision(
        coordinator, item, invited_parties=["zorg_ggz", "reclassering"],
        joint_reasoning="De weegploeg ziet reden voor een casusoverleg.",
    )


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        (marker is not None and marker.kwargs.get("transaction", False))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table. Put the rows that migrations seed
    back at once — not only at the start of the next transactional test — so that whatever
    test runs next, in random order, finds the database as migrations left it."""
    yield
    if nextitem is None or not _is_transactional(item):
        return  # after the last test the test database is already gone
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized:
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(serialized)
            ContentType.objects.clear_cache()


def pytest_collection_modifyitems(items):
    """Transactional tests (threads, live server, real workers) empty every table when they
    end. Rows that migrations seed — the published referentiekader, retention rules — must
    be back for the tests that follow, in whatever (random) order: restore them."""
    for item in items:
        if _is_transactional(item):
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )
