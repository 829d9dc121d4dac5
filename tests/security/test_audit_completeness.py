"""Audit completeness (issue 7; docs/design.md §4.3): every write of a domain model is logged
by django-auditlog, and every view that shows personal data logs the read as an ACCESS entry
with the actor, their partner and the processing activity.

Both lists force a decision: a new model must be registered or put on NOT_AUDITED with its
reason, and a new URL must be listed in ACCESS_CASES (it shows personal data) or in
NO_PERSONAL_DATA (with the reason it shows none).
"""

import dataclasses

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pga.models import AuditEntry, ProcessingActivity, Role
from retention.views import SUBJECT_SESSION_KEY
from tests.pga.test_login import all_url_patterns
from tests.security.conftest import FIGURES

AUDITED_APPS = ("pga", "signals", "criteria", "weegploeg", "retention", "rights")

# Models deliberately not registered with django-auditlog, each with the reason.
NOT_AUDITED = {
    # The audit log itself: entries are append-only and hash-chained; logging them would log
    # the log.
    "pga.AuditEntry",
    # Sequence numbers for reference numbers: no personal data, and every number used shows
    # up in the audited Signal it was drawn for.
    "signals.ReferenceCounter",
    # guardian's direct-FK permission rows are derived from the signal's state by
    # `sync_signal_permissions`; what changes them (registration, identity, agenda, decision,
    # withdrawal, transfer) is audited on Signal, Transfer, AgendaItem and Decision.
    "signals.SignalUserObjectPermission",
    "signals.SignalGroupObjectPermission",
    # The signal's timeline is itself a record of what happened (actor, partner, time) and
    # holds no personal data of the person; it is written only by the audited services.
    "signals.SignalEvent",
    # The head of the audit log's hash chain, kept by the database trigger on every audit
    # insert (`pga.audit.verify_audit_chain`): logging it would log the log.
    "pga.AuditChainHead",
}


def _domain_models():
    for label in AUDITED_APPS:
        yield from apps.get_app_config(label).get_models()


def test_every_domain_model_is_registered_with_auditlog():
    missing = [
        model._meta.label for model in _domain_models()
        if not auditlog.contains(model) and model._meta.label not in NOT_AUDITED
    ]
    assert not missing, (
        "Modellen zonder auditlog-registratie (registreer ze in apps.ready, of zet ze met een "
        f"reden op NOT_AUDITED): {missing}"
    )


def test_the_not_audited_list_holds_only_existing_unregistered_models():
    labels = {model._meta.label: model for model in _domain_models()}
    stale = sorted(label for label in NOT_AUDITED if label not in labels)
    registered = sorted(
        label for label in NOT_AUDITED if label in labels and auditlog.contains(labels[label])
    )
    assert not stale, f"NOT_AUDITED noemt modellen die niet bestaan: {stale}"
    assert not registered, f"NOT_AUDITED noemt geregistreerde modellen: {registered}"


# -- reads of personal data ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AccessCase:
    """GET (or POST) `url_name` as `actor` (role, scope) with `query` as its data; an ACCESS
    entry must name what was read: the
    world's object at `read` ("item.signal"), or for a search or list the model `searched`
    ("signals.Person"), under `purpose`. A tuple accepts any of its alternatives."""

    url_name: str
    actor: tuple[str, str]
    kwargs: dict
    purpose: str
    read: str | tuple = ()
    searched: str | tuple = ()
    query: dict = dataclasses.field(default_factory=dict)
    case_id: str = ""
    method: str = "get"
    follow: bool = False
    fixed_kwargs: dict = dataclasses.field(default_factory=dict)
    # The purpose and case number stated at the person search, which the person's pages
    # and exports ask for (retention.views.SUBJECT_SESSION_KEY).
    stated_purpose: bool = False

    @property
    def id(self):
        return self.case_id or self.url_name


def _alternatives(value):
    return (value,) if isinstance(value, str) else value


def _attr(world, path):
    value = world
    for part in path.split("."):
        value = getattr(value, part)
    return value


MEMBER_OWN = (Role.MEMBER, "own")
COORDINATOR_OWN = (Role.COORDINATOR, "own")
AUDITOR_OWN = (Role.AUDITOR, "own")
ADMIN_OWN = (Role.ADMIN, "own")
INTAKE, ASSESSMENT, DECISION, SUPERVISION, SUBJECT_RIGHTS = (
    ProcessingActivity.INTAKE, ProcessingActivity.ASSESSMENT, ProcessingActivity.DECISION,
    ProcessingActivity.SUPERVISION, ProcessingActivity.SUBJECT_RIGHTS,
)

ACCESS_CASES = [
    # The signal page: the person's identity, the description, the reporter.
    AccessCase("signals:detail", MEMBER_OWN, {"pk": "signal"}, INTAKE, read="signal"),
    # A referral through the public form, read by the meldpunt of its gemeente.
    AccessCase("referrals:submission", (Role.MELDPUNT, "own"), {"pk": "submission"}, INTAKE,
               read="submission"),
    AccessCase("referrals:attachment", (Role.MELDPUNT, "own"),
               {"pk": "submission", "attachment_pk": "submission_attachment"}, INTAKE,
               read="submission_attachment"),
    AccessCase("signals:attachment", MEMBER_OWN, {"pk": "signal", "attachment_pk": "attachment"},
               INTAKE, read="attachment"),
    # The identity form shows the person's name, date of birth, BSN and address.
    AccessCase("signals:identity", MEMBER_OWN, {"pk": "signal"}, INTAKE, read="signal.person"),
    # The edit form shows the whole registration: the description of the behaviour and the
    # reporter's name, organisation and contact details.
    AccessCase("signals:edit", MEMBER_OWN, {"pk": "signal"}, INTAKE, read="signal"),
    # Searching persons is a processing of its own (logged without the query).
    # The term is posted and the result shown under a token (never the name in a URL).
    AccessCase("signals:queue", MEMBER_OWN, {}, INTAKE, searched="signals.Person",
               query={"q": "Jansen"}, case_id="signals:queue (zoeken)", method="post",
               follow=True),
    # The queue lists the name of every person in it.
    AccessCase("signals:queue", MEMBER_OWN, {}, INTAKE,
               searched=("signals.Person", "signals.Signal"), case_id="signals:queue (lijst)"),
    AccessCase("criteria:assessment", MEMBER_OWN, {"signal_pk": "signal", "pk": "joint_assessment"},
               ASSESSMENT, read="joint_assessment"),
    # The assessment forms start from the current assessment's content.
    AccessCase("criteria:partner_assessment", MEMBER_OWN, {"signal_pk": "signal"}, ASSESSMENT,
               read="partner_assessment"),
    AccessCase("criteria:joint_assessment", MEMBER_OWN, {"signal_pk": "signal"}, ASSESSMENT,
               read="joint_assessment"),
    AccessCase("weegploeg:signal_readiness", MEMBER_OWN, {"pk": "signal"}, DECISION,
               read="signal"),
    # What happened after the decision: follow-ups, re-weighings, the driehoek (rule 12).
    AccessCase("weegploeg:after_decision", MEMBER_OWN, {"pk": "signal"}, DECISION,
               read="signal"),
    AccessCase("weegploeg:item", MEMBER_OWN, {"pk": "item"}, DECISION, read="item.signal"),
    # The work list names the persons waiting for a weging; "Mijn registraties" and the
    # agenda's choice of signals name them too (issue 18).
    AccessCase("home", MEMBER_OWN, {}, INTAKE, searched="signals.Person"),
    AccessCase("signals:mine", (Role.MELDPUNT, "own"), {}, INTAKE, searched="signals.Person"),
    AccessCase("weegploeg:session", COORDINATOR_OWN, {"pk": "session"}, DECISION,
               searched="signals.Person"),
    # The votes as they come in (outcomes about the person, no motivations).
    AccessCase("weegploeg:item_votes", MEMBER_OWN, {"pk": "item"}, DECISION,
               read="item.signal"),
    AccessCase("weegploeg:decision", MEMBER_OWN, {"pk": "decision"}, DECISION, read="decision"),
    AccessCase("weegploeg:record", MEMBER_OWN, {"pk": "record"}, DECISION, read="record"),
    AccessCase("weegploeg:handover", MEMBER_OWN, {"pk": "decision"}, DECISION, read="decision"),
    AccessCase("weegploeg:export", COORDINATOR_OWN, {"pk": "session", "export_pk": "export"},
               DECISION, read="export"),
    # The answer form shows the weegploeg's question about the person.
    AccessCase("weegploeg:answer", MEMBER_OWN, {"pk": "info_request"}, DECISION,
               read=("info_request", "info_request.signal")),
    # The person's rights: the search (by POST, so no name ends up in a URL), the person's
    # page and the inzage exports.
    AccessCase("rights:subject_search", ADMIN_OWN, {}, SUBJECT_RIGHTS,
               searched="signals.Person", method="post",
               query={"purpose": "inzageverzoek", "case_number": "INZ-2026-4", "name": "Jansen"}),
    AccessCase("rights:subject_person", ADMIN_OWN, {"pk": "signal.person"}, SUBJECT_RIGHTS,
               read="signal.person", stated_purpose=True),
    # The request for an export (built in the background) is the audited processing, with
    # the format; the download of the file is a read of its own.
    *[AccessCase("rights:subject_export", AUDITOR_OWN, {"pk": "signal.person"},
                 SUBJECT_RIGHTS, read="signal.person", stated_purpose=True, method="post",
                 follow=True, query={"export_format": export_format},
                 case_id=f"rights:subject_export ({export_format})")
      for export_format in ("json", "pdf")],
    AccessCase("rights:subject_export_download", ADMIN_OWN,
               {"pk": "signal.person", "export_pk": "subject_export"}, SUBJECT_RIGHTS,
               read="signal.person"),
    AccessCase("audit:log", AUDITOR_OWN, {}, SUPERVISION, searched="pga.AuditEntry"),
    AccessCase("audit:export", AUDITOR_OWN, {}, SUPERVISION, searched="pga.AuditEntry"),
    # The FG's exchanges per legal ground name signals by reference (rule 13).
    AccessCase("statistics:exchanges", AUDITOR_OWN, {}, SUPERVISION,
               searched="signals.Contribution"),
]

# URLs that show no personal data of a person (betrokkene or melder), each with the reason.
NO_PERSONAL_DATA = {
    "healthz": "service status",
    "favicon": "the site's icon",
    "logout": "no content",
    "two_factor:*": "the user's own second factor",
    "beheer:*": "staff accounts and organisations (writes audited by auditlog)",
    "signals:register": "an empty form",
    "signals:receipt": "the reference and receiving weegploeg of one's own registration",
    "signals:attachment_add": "an upload form under the signal's reference",
    "signals:contribute": "an empty form under the signal's reference",
    "signals:withdraw": "an empty form under the signal's reference",
    "signals:transfer": "an empty form under the signal's reference",
    "criteria:public_framework": "the published framework",
    "criteria:framework_version": "a published framework version",
    "criteria:manage": "framework versions",
    "criteria:create_draft": "framework versions",
    "criteria:edit_draft": "framework wording",
    "criteria:publish": "framework versions",
    "weegploeg:sessions": "dates and places of sessions",
    "weegploeg:session_action": "POST; redirects to the session",
    "weegploeg:item_action": "POST; redirects to the session",
    "weegploeg:export_status": "progress counts of an export",
    "statistics:dashboard": "counts per month, phenomenon, source and outcome; no persons",
    "statistics:trend_export": "anonymised counts, cells below 5 suppressed (the export is "
                               "recorded with record_access all the same)",
    "statistics:conformance": "counts, shares and medians per weegploeg, cells below 5 "
                              "suppressed (recorded with record_access all the same)",
    "statistics:annual_statement": "the conformance report as a PDF/A: counts only",
    "retention:overview": "rules, holds (by reference, reason without personal data), counts",
    "retention:run": "a purge run's counts and tombstones (references only)",
    "retention:rule": "a retention rule",
    "retention:hold_create": "an empty form",
    "retention:hold_end": "a hold by reference and its reason (a case number)",
    "retention:notifications": "casusoverleg decisions by reference and date",
    "retention:notification": "a decision by reference and its notification's stand",
    "retention:stale": "signals by reference, weegploeg and date",
    "rights:subject_request": "POST; redirects to the person's page",
    "rights:subject_export_status": "an export's state, format, purpose and case number",
    "referrals:public_form": "an empty form; after sending, only the receipt number",
    "referrals:intake": "receipt numbers, dates and status of the gemeente's referrals",
    "referrals:feedback_text": "the gemeente's standard text for reporters (writes audited)",
}


def _classified(name):
    if name in NO_PERSONAL_DATA:
        return True
    namespace = name.split(":")[0]
    return f"{namespace}:*" in NO_PERSONAL_DATA or name in {c.url_name for c in ACCESS_CASES}


def test_every_url_is_classified_as_audited_read_or_without_personal_data():
    """A new URL fails here until it is listed in ACCESS_CASES or, with its reason, in
    NO_PERSONAL_DATA."""
    missing = sorted({name for name, _r, _p in all_url_patterns() if not _classified(name)})
    assert not missing, f"URL's zonder beslissing over het loggen van inzage: {missing}"


ACCESS_CHECKED: list[str] = []
FIGURES["audit completeness: reads of personal data checked for an ACCESS entry"] = ACCESS_CHECKED


@pytest.mark.parametrize("case", ACCESS_CASES, ids=[c.id for c in ACCESS_CASES])
def test_view_showing_personal_data_logs_an_access_entry(case, world, as_user, request):
    ACCESS_CHECKED.append(case.id)
    user = world.user(*case.actor)
    kwargs = {key: _attr(world, value).pk for key, value in case.kwargs.items()}
    kwargs.update(case.fixed_kwargs)
    accepted = [
        (ContentType.objects.get_for_model(target).pk, str(target.pk))
        for target in (_attr(world, path) for path in _alternatives(case.read))
    ] + [
        (ContentType.objects.get_for_model(apps.get_model(label)).pk, None)
        for label in _alternatives(case.searched)
    ]
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client = as_user(user)
    if case.stated_purpose:
        session = client.session
        session[SUBJECT_SESSION_KEY] = {"purpose": "inzageverzoek", "case_number": "INZ-2026-4"}
        session.save()
    response = getattr(client, case.method)(reverse(case.url_name, kwargs=kwargs), case.query,
                                            follow=case.follow)
    assert response.status_code == 200, response.status_code
    if response.streaming:
        response.getvalue()

    entries = list(AuditEntry.objects.filter(pk__gt=last, action=AuditEntry.Action.ACCESS))
    matching = [
        e for e in entries
        if any(e.content_type_id == ct and pk in (None, e.object_pk) for ct, pk in accepted)
    ]
    written = [(e.content_type.model, e.object_pk) for e in entries]
    assert matching, (
        f"{case.id}: toont persoonsgegevens maar schrijft geen ACCESS-regel voor "
        f"{case.read or case.searched} (wel: {written})"
    )
    entry = matching[-1]
    assert entry.actor_id == user.pk
    assert entry.partner_id == user.partner_id
    assert entry.purpose == case.purpose
    # What the log keeps of the read holds no personal data (auditlog copies it as it is).
    person = world.signal.person
    for value in (entry.object_repr, str(entry.additional_data or "")):
        assert person.surname not in value and person.first_names not in value, value
    request.node.user_properties.append(("access_case", case.id))


def test_number_of_audited_views_checked():
    """The figure for the closing note."""
    views = {case.url_name for case in ACCESS_CASES}
    print(f"\naudit completeness: {len(ACCESS_CASES)} reads checked over {len(views)} views")
    assert len(ACCESS_CASES) >= 21
