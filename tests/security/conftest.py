"""One realistic world for the security tests, built once per test module.

Weegploeg A (gemeente, politie, OM) holds the objects every URL is tried on: an open signal
with an attachment, a contribution and one the politie shields from the others, a partner's
and a joint assessment; a session with three agenda items — one decided (casusoverleg, with
its decision record and a finished session export), one decided "nadere duiding" with an
information request to the gemeente, one still open; a draft framework version next to the
published one; a legal hold, a purge run, a request of the person under the AVG and their
inzage export, ready for the gemeente's functioneel beheerder who asked for it. Weegploeg B
holds the same dossiers of its own (`World.in_b`, other persons), and a notification of its
casusoverleg decision and a purge run with the tombstone of one of its signals: every id
a URL takes exists in B too, for forged ids (tests/security/test_cross_weegploeg.py).

Staff: in both weegploegen, one user per role (meldpunt, member, coordinator, admin,
auditor) at each of the three partners (`World.staff`). The permission matrix names three
scopes of them (`World.user`):
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

from criteria.assessments import record_joint_assessment, record_partner_assessment
from criteria.frameworks import create_draft
from criteria.models import Assessment, Framework, FrameworkStatus
from pga.models import Partner, Role, User, Weegploeg
from referrals.models import Submission, SubmissionAttachment
from retention.holds import place_hold
from retention.models import DeletedSignal, LegalHold, Notification, PurgeRun, SubjectRequest
from retention.notifications import record_notification
from rights.models import SubjectAccessExport
from rights.services import build_subject_export, record_request, request_subject_export
from signals.models import Attachment, Contribution, Signal, Transfer
from signals.services import add_contribution, transfer_signal
from tests.criteria.factories import judgements
from tests.factories import UserFactory, WeegploegFactory, legal_ground
from tests.referrals.factories import submit as submit_referral
from tests.signals.factories import person_fields, register
from tests.weegploeg.factories import vote
from weegploeg.escalation import record_escalation
from weegploeg.integral import state_consultation
from weegploeg.models import (
    AgendaItem,
    ConsultationResult,
    Decision,
    DecisionRecord,
    Escalation,
    InformationRequest,
    Outcome,
    Session,
    SessionExport,
)
from weegploeg.records import create_decision_record
from weegploeg.services import (
    add_to_agenda,
    close_session,
    plan_session,
    prepare_decision,
    request_information,
)
from weegploeg.session_exports import build_session_export, request_session_export

ROLES = (Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.AUDITOR,
         Role.SUPERVISOR)
SCOPES = ("own", "same", "other")
# The installatiebeheerder (a superuser without partner or roles): world.user(INSTALLATION, "-").
INSTALLATION = "installatiebeheerder"
# The figures for the closing note, counted while the tests run and shown in the terminal
# summary: name → what was counted (a list of cases or a Counter of examples per form).
FIGURES: dict = {}
MOTIVATION = "Feiten uit school en politieregistratie wijzen op toenemende geweldsbereidheid."
SHIELDED_CONTENT = "Lopend opsporingsonderzoek 2026/0815 naar wapenbezit."


KINDS = ("gemeente", "politie", "om")
# The permission matrix's scopes: (weegploeg, partner kind) of the users it names.
SCOPE_SEATS = {"own": ("a", "gemeente"), "same": ("a", "politie"), "other": ("b", "gemeente")}


@dataclasses.dataclass
class Dossiers:
    """One weegploeg's objects of every type a URL takes an id of."""

    # An open signal: attachment, a contribution and one the politie shields from the
    # others, a partner's and the joint assessment, a legal hold, a request of its person.
    signal: Signal
    attachment: Attachment
    contribution: Contribution
    shielded_contribution: Contribution
    partner_assessment: Assessment
    joint_assessment: Assessment
    hold: LegalHold
    subject_request: SubjectRequest
    # The inzage export of that person (JSON), asked for by the gemeente's beheerder, ready.
    subject_export: SubjectAccessExport
    # A session: a casusoverleg decision with its record and a finished session export, a
    # nadere-duiding decision with an information request to the gemeente, an open item.
    session: Session
    item: AgendaItem
    decision: Decision
    record: DecisionRecord
    export: SessionExport
    more_info_item: AgendaItem
    more_info_decision: Decision
    info_request: InformationRequest
    open_item: AgendaItem
    # A referral through the public form of the weegploeg's gemeente, waiting at its meldpunt,
    # with a file sent along.
    submission: Submission

    @property
    def submission_attachment(self) -> SubmissionAttachment:
        return self.submission.attachments.get()


@dataclasses.dataclass
class World(Dossiers):
    """Weegploeg A's dossiers (the fields of `Dossiers`), and everything around them."""

    a: Weegploeg
    b: Weegploeg
    partners: dict[str, Partner]
    staff: dict[tuple[str, str, str], User]  # (weegploeg "a"/"b", partner kind, role)
    installation: User  # the installatiebeheerder
    published: Framework
    draft: Framework
    purge_run: PurgeRun
    # Weegploeg B: the same dossiers, a notification of its casusoverleg decision, and a
    # purge run with the tombstone of one of its signals.
    in_b: Dossiers
    b_notification: Notification
    b_purge_run: PurgeRun
    b_tombstone: DeletedSignal
    # After the decision (rule 12), A only: a signal flagged for the lokale driehoek in two
    # rounds — the first escalated (`escalation`, its outcome awaited), the second not yet
    # (`flagged_item`) — and a dossier of B transferred to A, not yet taken in.
    flagged_item: AgendaItem
    escalation: Escalation
    transfer_in: Transfer

    def user(self, role: str, scope: str) -> User:
        if role == INSTALLATION:
            return self.installation
        return self.staff[(*SCOPE_SEATS[scope], role)]

    @property
    def users(self) -> dict[tuple[str, str], User]:
        return {(role, scope): self.user(role, scope) for scope in SCOPES for role in ROLES}

    @property
    def om_member(self) -> User:
        return self.staff[("a", "om", Role.MEMBER)]

    @property
    def b_signal(self) -> Signal:
        return self.in_b.signal

    @property
    def b_attachment(self) -> Attachment:
        return self.in_b.attachment

    @property
    def b_session(self) -> Session:
        return self.in_b.session

    @property
    def b_coordinator(self) -> User:
        return self.staff[("b", "politie", Role.COORDINATOR)]


def text_upload(name="verslag.txt", content=b"Gespreksverslag mentor, 12 oktober.\n"):
    from signals.validators import check_attachment

    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    return upload, check_attachment(upload)


def _decide(item, voters, outcome):
    decision = None
    for voter in voters:
        decision = vote(voter, item, outcome, MOTIVATION) or decision
    assert decision is not None, "the world's votes should have been unanimous"
    return decision


def build_staff(weegploegen: dict[str, Weegploeg]) -> dict[tuple[str, str, str], User]:
    """One user per role at each partner of each weegploeg. The users the permission matrix
    names by scope keep the e-mail address and name of that scope."""
    scope_of = {seat: scope for scope, seat in SCOPE_SEATS.items()}
    staff = {}
    for key, weegploeg in weegploegen.items():
        for kind in KINDS:
            for role in ROLES:
                label = scope_of.get((key, kind), f"{kind} {key.upper()}")
                staff[(key, kind, role)] = UserFactory(
                    partner=getattr(weegploeg, kind), roles=[role],
                    full_name=f"{Role(role).label} ({label})",
                    email=f"{role}.{label.replace(' ', '-').lower()}@security.example",
                )
    return staff


def build_dossiers(weegploeg, staff, key, names) -> Dossiers:
    """The dossiers of `weegploeg` (key "a" or "b" in `staff`), about persons with `names`
    (first names, surname, year of birth): the open signal's person and the three on the
    agenda."""
    def seat(kind, role):
        return staff[(key, kind, role)]

    mark = "" if key == "a" else f" ({key.upper()})"

    meldpunt, coordinator = seat("gemeente", Role.MELDPUNT), seat("gemeente", Role.COORDINATOR)
    voters = [seat(kind, Role.MEMBER) for kind in KINDS]
    admin = seat("gemeente", Role.ADMIN)

    def person(first, surname, year):
        return person_fields(
            first_names=first, surname=surname, date_of_birth=datetime.date(year, 3, 14),
            municipality=weegploeg.gemeente,
        )

    # The open signal: attachment, contribution, a partner's and the joint assessment.
    open_person, *agenda_persons = names
    signal = register(meldpunt, weegploeg=weegploeg, person=person(*open_person),
                      attachments=[text_upload(f"verslag{mark}.txt")])
    contribution = add_contribution(voters[1], signal, {
        "source": "Politieregistratie", "information_date": datetime.date(2026, 10, 1),
        "content": "Twee meldingen van bedreiging op sociale media.",
        "visibility": "weegploeg",
        "legal_ground": legal_ground(),
    })
    partner_assessment = record_partner_assessment(
        voters[0], signal, judgements(), conclusion="Zorgen vanuit het wijkteam."
    )
    joint_assessment = record_joint_assessment(
        voters[0], signal, judgements(), "Zorgen over geweldsbereidheid; bespreken."
    )

    # A session with a casusoverleg decision, a nadere-duiding decision and an open item.
    session = plan_session(
        coordinator, weegploeg, timezone.now() + datetime.timedelta(days=1), location="Stadhuis"
    )
    items = []
    for names_of_person in agenda_persons:
        other = register(meldpunt, weegploeg=weegploeg, person=person(*names_of_person))
        record_joint_assessment(voters[0], other, judgements(), "Bespreken in de weegploeg.")
        items.append(prepare_decision(
            coordinator, add_to_agenda(coordinator, session, other),
            invited_parties=["zorg_ggz", "reclassering"],
            joint_reasoning="De weegploeg ziet reden voor een casusoverleg.",
        ))
    item, more_info_item, open_item = items
    # Each partner has consulted its own systems for the open item (rule 13): its members
    # may vote there.
    for voter in voters:
        state_consultation(voter, open_item, ConsultationResult.NOTHING_KNOWN)
    decision = _decide(item, voters, Outcome.CASUSOVERLEG)
    more_info_decision = _decide(more_info_item, voters, Outcome.MORE_INFORMATION)
    info_request = request_information(
        coordinator, more_info_item.signal, question="Is er contact met de leerplichtambtenaar?",
        partner=weegploeg.gemeente, deadline=timezone.localdate() + datetime.timedelta(days=14),
        legal_ground=legal_ground(),
    )
    record = create_decision_record(decision)
    # The background build is scheduled on commit, which never comes here: build it now.
    export = build_session_export(request_session_export(coordinator, session))
    shielded_contribution = add_contribution(voters[1], signal, {
        "source": "Recherche", "information_date": datetime.date(2026, 10, 2),
        "content": SHIELDED_CONTENT, "visibility": "own_partner",
        "legal_ground": legal_ground(),
    })
    hold = place_hold(admin, reason=f"Procedure bij de AP, kenmerk AP-2026-17{mark}.",
                      until=timezone.localdate() + datetime.timedelta(days=60), signal=signal)
    subject_request = record_request(admin, signal.person, kind="inzage",
                                     case_number=f"INZ-2026-4{mark}",
                                     received_on=timezone.localdate())
    # Built now: the background build is scheduled on commit, which never comes here.
    subject_export = build_subject_export(request_subject_export(
        admin, signal.person, purpose="inzageverzoek", case_number=f"INZ-2026-4{mark}",
        export_format="json"))
    for obj in (item, more_info_item, open_item):
        obj.refresh_from_db()
    return Dossiers(
        signal=Signal.objects.get(pk=signal.pk), attachment=signal.attachments.get(),
        contribution=contribution, shielded_contribution=shielded_contribution,
        partner_assessment=partner_assessment, joint_assessment=joint_assessment, hold=hold,
        subject_request=subject_request, subject_export=subject_export, session=session,
        item=item, decision=decision,
        record=record, export=export, more_info_item=more_info_item,
        more_info_decision=more_info_decision, info_request=info_request, open_item=open_item,
        submission=submit_referral(weegploeg.gemeente,
                                   files=[text_upload(f"melding{mark}.txt")[0]]),
    )


def build_after_decision(a, b, staff) -> dict:
    """A's objects of what happens after a decision (see `World`)."""
    coordinator = staff[("a", "gemeente", Role.COORDINATOR)]
    signal = register(staff[("a", "gemeente", Role.MELDPUNT)], weegploeg=a, person=person_fields(
        first_names="Rik", surname="Dekker", date_of_birth=datetime.date(2002, 5, 9),
        municipality=a.gemeente))
    rounds = []
    with override_settings(ESCALATION_ROUNDS=1):
        for days in (2, 3):
            session = plan_session(coordinator, a,
                                   timezone.now() + datetime.timedelta(days=days),
                                   location="Stadhuis")
            rounds.append(add_to_agenda(coordinator, session, signal))
            close_session(coordinator, session)
    for item in rounds:
        item.refresh_from_db()
    escalation = record_escalation(coordinator, rounds[0], sent_on=timezone.localdate(),
                                   sent_to="Burgemeester en hoofdofficier")
    moved = register(staff[("b", "gemeente", Role.MELDPUNT)], weegploeg=b, person=person_fields(
        first_names="Noor", surname="Hendriks", date_of_birth=datetime.date(2001, 7, 2),
        municipality=b.gemeente))
    transfer_signal(staff[("b", "gemeente", Role.COORDINATOR)], moved, None,
                    "Betrokkene is verhuisd.", municipality=a.gemeente)
    return {"flagged_item": rounds[1], "escalation": escalation,
            "transfer_in": Transfer.objects.get(signal=moved)}


def build_world() -> World:
    a, b = WeegploegFactory(), WeegploegFactory()
    staff = build_staff({"a": a, "b": b})
    in_a = build_dossiers(a, staff, "a", [("Jan", "Jansen", 2004), ("Piet", "Pietersen", 2001),
                                          ("Karin", "de Vries", 1999), ("Mo", "Bakker", 2006)])
    in_b = build_dossiers(b, staff, "b", [("Els", "Smit", 1998), ("Joost", "Mulder", 2000),
                                          ("Fatima", "El Amrani", 2003),
                                          ("Sven", "Verbeek", 2005)])
    published = Framework.objects.get(status=FrameworkStatus.PUBLISHED)
    draft = create_draft(staff[("a", "gemeente", Role.ADMIN)])
    purge_run = PurgeRun.objects.create(trigger="command", finished_at=timezone.now())

    # What only B has: a notification of its casusoverleg decision, and a purge run that
    # left the tombstone of a withdrawn signal of B.
    b_notification = record_notification(
        staff[("b", "gemeente", Role.COORDINATOR)], in_b.decision, status="notified",
        notified_on=timezone.localdate(), notified_by="Wijkregisseur B", method="brief",
    )
    b_purge_run = PurgeRun.objects.create(trigger="nightly", finished_at=timezone.now())
    today = timezone.localdate()
    b_tombstone = DeletedSignal.objects.create(
        signal_id=10**9, reference=f"{b.code.upper()}-2025-999999", weegploeg=b,
        received_on=today, registered_on=today, withdrawn_on=today, status="withdrawn",
        phenomenon=in_b.signal.phenomenon, source_category=in_b.signal.source_category,
        purge_run=b_purge_run,
    )
    return World(
        **{field.name: getattr(in_a, field.name) for field in dataclasses.fields(Dossiers)},
        a=a, b=b, partners={scope: getattr(a if key == "a" else b, kind)
                            for scope, (key, kind) in SCOPE_SEATS.items()},
        staff=staff, installation=User.objects.create_superuser(
            "installatie@security.example", "x", full_name="Installatiebeheerder"),
        published=published, draft=draft, purge_run=purge_run, in_b=in_b,
        b_notification=b_notification, b_purge_run=b_purge_run, b_tombstone=b_tombstone,
        **build_after_decision(a, b, staff),
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
    has 30 users)."""
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
    # Every figure of the modules that ran, also a zero (no leaks found is a figure too).
    counted = {name: (sum(value.values()) if hasattr(value, "values") else len(value))
               for name, value in FIGURES.items()}
    if counted:
        terminalreporter.section("security figures")
        for name, total in counted.items():
            terminalreporter.write_line(f"{name}: {total}")
