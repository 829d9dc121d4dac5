import pytest


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
