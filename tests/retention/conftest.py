import pytest

# Stored files (attachments, decision records, exports) go to a fresh directory per test.
from tests.signals.conftest import _private_storage  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Many users per test; the production hasher's cost buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
