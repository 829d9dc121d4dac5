import pytest

from pga.models import Role


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Attachments go to a fresh private directory per test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


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
