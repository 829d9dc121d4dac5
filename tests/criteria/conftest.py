import pytest

from tests.signals.factories import register


@pytest.fixture
def signal(meldpunt, weegploeg):
    """A signal registered by the meldpunt of the weegploeg's gemeente."""
    return register(meldpunt, weegploeg=weegploeg)
