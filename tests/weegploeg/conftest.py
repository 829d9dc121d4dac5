import datetime

import pytest
from django.utils import timezone

from criteria.services import record_joint_assessment
from tests.criteria.factories import judgements
from weegploeg.services import add_to_agenda, plan_session, prepare_decision


@pytest.fixture
def session(coordinator, weegploeg):
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
    record_joint_assessment(
        members["gemeente"], signal, judgements(), "Zorgen over geweldsbereidheid; bespreken."
    )
    return signal


@pytest.fixture
def item(coordinator, session, assessed):
    """The assessed signal on the session's agenda, parties to invite prepared."""
    item = add_to_agenda(coordinator, session, assessed)
    return prepare_decision(
        coordinator, item, invited_parties=["zorg_ggz", "reclassering"],
        joint_reasoning="De weegploeg ziet reden voor een casusoverleg.",
    )
