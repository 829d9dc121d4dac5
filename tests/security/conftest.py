"""One realistic world for the security tests, built once per test module.

Weegploeg A (gemeente, politie, OM) holds the objects every URL is tried on: an open signal
with an attachment, a contribution and one the politie shields from the others, a partner's
and a joint assessment; a session with three agenda items — one decided (casusoverleg, with
its decision record and a finished session export), one decided "nadere duiding" with an
information request to the gemeente, one still open; a draft framework version next to the
published one; a legal hold, a purge run and a request of the person under the AVG. Weegploeg
B has its own signal and session, for forged ids.

Users: one per role (meldpunt, member, coordinator, admin, auditor) per scope:
- "own": the gemeente of A, the partner that received the signals;
- "same": the politie of A, another partner in the same weegploeg;
- "other": the gemeente of B, a partner of another weegploeg.

The world is built inside a transaction that is rolled back when the module is done, so
nothing leaks into other tests; each test runs in a savepoint inside it (pytest-django's
`db`), and the tests roll back every state-changing request themselves.
"""

import dataclasses
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from criteria.models import Assessment, Framework, FrameworkStatus
from criteria.services import create_draft, record_joint_assessment, record_partner_assessment
from pga.models import Partner, Role, User, Weegploeg
from retention.models import LegalHold, PurgeRun, SubjectRequest
from retention.services import place_hold
from retention.subject_access import record_request
from signals.models import Attachment, Contribution, Signal
from signals.services import add_contribution
from tests.criteria.factories import judgements
from tests.factories import UserFactory, WeegploegFactory
from tests.signals.factories import person_fields, register
from weegploeg.models import (
    AgendaItem,
    Decision,
    DecisionRecord,
    InformationRequest,
    Outcome,
    Session,
    SessionExport,
)
from weegploeg.records import (
    build_session_export,
    create_decision_record,
    request_session_export,
)
from weegploeg.services import (
    add_to_agenda,
    cast_vote,
    plan_session,
    prepare_decision,
    request_information,
)

ROLES = (Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)
SCOPES = ("own", "same", "other")
# The installatiebeheerder (a superuser without partner or roles): world.user(INSTALLATION, "-").
INSTALLATION = "installatiebeheerder"
# The figures for the closing note, counted while the tests run and shown in the terminal
# summary: name → what was counted (a list of cases or a Counter of examples per form).
FIGURES: dict = {}
MOTIVATION = "Feiten uit school en politieregistratie wijzen op toenemende geweldsbereidheid."
SHIELDED_CONTENT = "Lopend opsporingsonderzoek 2026/0815 naar wapenbezit."


@dataclasses.dataclass
class World:
    a: Weegploeg
    b: Weegploeg
    partners: dict[str, Partner]
    users: dict[tuple[str, str], User]
    om_member: User
    # Weegploeg A
    signal: Signal
    attachment: Attachment
    contribution: Contribution
    partner_assessment: Assessment
    joint_assessment: Assessment
    session: Session
    item: AgendaItem
    decision: Decision
    record: DecisionRecord
    export: SessionExport
    more_info_item: AgendaItem
    more_info_decision: Decision
    info_request: InformationRequest
    open_item: AgendaItem
    published: Framework
    draft: Framework
    # Retention of weegploeg A: a legal hold on the open signal, a purge run, a request of
    # the person of the open signal; a contribution the politie shields from the others.
    shielded_contribution: Contribution
    hold: LegalHold
    purge_run: PurgeRun
    subject_request: SubjectRequest
    # Weegploeg B
    b_signal: Signal
    b_attachment: Attachment
    b_session: Session
    b_coordinator: User

    def user(self, role: str, scope: str) -> User:
        return self.users[(role, scope)]


def text_upload(name="verslag.txt", content=b"Gespreksverslag mentor, 12 oktober.\n"):
    from signals.validators import check_attachment

    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    return upload, check_attachment(upload)


def _decide(item, voters, outcome):
    decision = None
    for voter in voters:
        decision = cast_vote(voter, item, outcome, MOTIVATION) or decision
    assert decision is not None, "the world's votes should have been unanimous"
    return decision


def build_world() -> World:
    a, b = WeegploegFactory(), WeegploegFactory()
    partners = {"own": a.gemeente, "same": a.politie, "other": b.gemeente}
    users = {
        (role, scope): UserFactory(
            partner=partner, roles=[role], full_name=f"{Role(role).label} ({scope})",
            email=f"{role}.{scope}@security.example",
        )
        for scope, partner in partners.items()
        for role in ROLES
    }
    users[(INSTALLATION, "-")] = User.objects.create_superuser(
        "installatie@security.example", "x", full_name="Installatiebeheerder")
    om_member = UserFactory(partner=a.om, roles=[Role.MEMBER])
    meldpunt = users[(Role.MELDPUNT, "own")]
    coordinator = users[(Role.COORDINATOR, "own")]
    voters = [users[(Role.MEMBER, "own")], users[(Role.MEMBER, "same")], om_member]
    published = Framework.objects.get(status=FrameworkStatus.PUBLISHED)

    def person(first, surname, year):
        return person_fields(
            first_names=first, surname=surname, date_of_birth=datetime.date(year, 3, 14),
            municipality=a.gemeente,
        )

    # The open signal: attachment, contribution, a partner's and the joint assessment.
    signal = register(meldpunt, weegploeg=a, person=person("Jan", "Jansen", 2004),
                      attachments=[text_upload()])
    attachment = signal.attachments.get()
    contribution = add_contribution(voters[1], signal, {
        "source": "Politieregistratie", "information_date": datetime.date(2026, 10, 1),
        "content": "Twee meldingen van bedreiging op sociale media.",
        "visibility": "weegploeg",
    })
    partner_assessment = record_partner_assessment(
        voters[0], signal, judgements(), conclusion="Zorgen vanuit het wijkteam."
    )
    joint_assessment = record_joint_assessment(
        voters[0], signal, judgements(), "Zorgen over geweldsbereidheid; bespreken."
    )

    # A session with a casusoverleg decision, a nadere-duiding decision and an open item.
    session = plan_session(
        coordinator, a, timezone.now() + datetime.timedelta(days=1), location="Stadhuis"
    )
    items = []
    for first, surname, year in (("Piet", "Pietersen", 2001), ("Karin", "de Vries", 1999),
                                 ("Mo", "Bakker", 2006)):
        other = register(meldpunt, weegploeg=a, person=person(first, surname, year))
        record_joint_assessment(voters[0], other, judgements(), "Bespreken in de weegploeg.")
        items.append(prepare_decision(
            coordinator, add_to_agenda(coordinator, session, other),
            invited_parties=["zorg_ggz", "reclassering"],
            joint_reasoning="De weegploeg ziet reden voor een casusoverleg.",
        ))
    item, more_info_item, open_item = items
    decision = _decide(item, voters, Outcome.CASUSOVERLEG)
    more_info_decision = _decide(more_info_item, voters, Outcome.MORE_INFORMATION)
    info_request = request_information(
        coordinator, more_info_item.signal, question="Is er contact met de leerplichtambtenaar?",
        partner=a.gemeente, deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
    record = create_decision_record(decision)
    # The background build is scheduled on commit, which never comes here: build it now.
    export = build_session_export(request_session_export(coordinator, session))
    draft = create_draft(users[(Role.ADMIN, "own")])
    shielded_contribution = add_contribution(voters[1], signal, {
        "source": "Recherche", "information_date": datetime.date(2026, 10, 2),
        "content": SHIELDED_CONTENT, "visibility": "own_partner",
    })
    admin = users[(Role.ADMIN, "own")]
    hold = place_hold(admin, reason="Procedure bij de AP, kenmerk AP-2026-17.",
                      until=timezone.localdate() + datetime.timedelta(days=60), signal=signal)
    purge_run = PurgeRun.objects.create(trigger="command", finished_at=timezone.now())
    subject_request = record_request(admin, signal.person, kind="inzage",
                                     case_number="INZ-2026-4", received_on=timezone.localdate())

    # Weegploeg B: a signal with an attachment and a session, for forged ids.
    b_coordinator = UserFactory(partner=b.politie, roles=[Role.COORDINATOR])
    b_signal = register(users[(Role.MELDPUNT, "other")], weegploeg=b,
                        person=person_fields(first_names="Els", surname="Smit",
                                             municipality=b.gemeente),
                        attachments=[text_upload("b.txt")])
    b_session = plan_session(
        b_coordinator, b, timezone.now() + datetime.timedelta(days=2), location="Gemeentehuis"
    )
    for obj in (item, more_info_item, open_item):
        obj.refresh_from_db()
    return World(
        a=a, b=b, partners=partners, users=users, om_member=om_member,
        signal=Signal.objects.get(pk=signal.pk), attachment=attachment,
        contribution=contribution, partner_assessment=partner_assessment,
        joint_assessment=joint_assessment, session=session, item=item, decision=decision,
        record=record, export=export, more_info_item=more_info_item,
        more_info_decision=more_info_decision, info_request=info_request, open_item=open_item,
        published=published, draft=draft, shielded_contribution=shielded_contribution,
        hold=hold, purge_run=purge_run, subject_request=subject_request, b_signal=b_signal,
        b_attachment=b_signal.attachments.get(), b_session=b_session,
        b_coordinator=b_coordinator,
    )


@pytest.fixture(scope="session")
def security_storage(tmp_path_factory):
    """One private file store for the worlds' attachments, records and exports."""
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("private")), "base_url": None},
    }


@pytest.fixture(autouse=True)
def _world_storage(settings, security_storage):
    """The tests read the files the world stored: the same store, not a fresh one per test
    (runs after the suite's own storage fixture, which it overrides here)."""
    settings.STORAGES = {**settings.STORAGES, "default": security_storage}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, security_storage):
    """The world, once per module, rolled back afterwards; fast password hashing (the world
    has 17 users)."""
    from django.conf import settings

    with (
        override_settings(
            STORAGES={**settings.STORAGES, "default": security_storage},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def as_user(db, login):
    """as_user(user): a test client logged in as `user` with a verified second factor (the
    anonymous client for None)."""

    def make(user):
        if user is None:
            return Client()
        return login(user, Client())

    return make


@pytest.fixture
def rolled_back(db):
    """`with rolled_back():` runs a block in a savepoint that is always rolled back, so a
    request that changes state leaves the world as it was for the next one."""
    import contextlib

    @contextlib.contextmanager
    def block():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    return block


def pytest_terminal_summary(terminalreporter):
    counted = {name: (sum(value.values()) if hasattr(value, "values") else len(value))
               for name, value in FIGURES.items() if value}
    if counted:
        terminalreporter.section("security figures")
        for name, total in counted.items():
            terminalreporter.write_line(f"{name}: {total}")
