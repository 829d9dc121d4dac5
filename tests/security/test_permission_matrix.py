"""The permission matrix (issues 7 and 14): every URL pattern × every role × every scope. The
expected answers are not listed per URL: each URL declares the type of the object it shows
and how it checks; each object type declares its scope; the answer follows from the two.

Scopes (see conftest): "own" = the gemeente of weegploeg A that received the signals, "same" =
the politie of A (another partner in the same weegploeg), "other" = the gemeente of weegploeg
B (a second, complete weegploeg). Every object tried lives in weegploeg A, or is a member of
A's gemeente for the admin site's users. The answers:

- LOGIN: an anonymous visitor is sent to the login page;
- 200, or DONE (a redirect after a successful action) for POST-only endpoints;
- 403: the user's role may not take this kind of action (`pga.authz.require_role`), or the
  user sees the object but may not act on it;
- 404: the object is outside the user's scope — another partner's or weegploeg's. The same
  answer whether the object exists or not, so nothing leaks;
- EMPTY: a filtered screen (the FG's audit log) that shows nothing of an object outside the
  user's scope.

A URL checks either the role first (a `require_role` decorator, the admin site: 403 before
any lookup) or the object first (`get_visible_signal`, `get_visible_session`: 404 unless the
object is in scope, then 403 for a role that may not act). A URL pattern without a
declaration fails: a new URL forces a decision.
"""

import dataclasses
import re
import traceback

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pga.models import Partner, Role
from retention.views import SUBJECT_SESSION_KEY
from signals.models import Signal
from tests.factories import legal_ground
from tests.pga.test_login import LOGIN_PATH, _sample_path, all_url_patterns
from tests.security.conftest import FIGURES, ROLES, SCOPES

OK, DONE, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, "done", "login", 403, 404, 405
EMPTY = "empty"
MELDPUNT, MEMBER, COORDINATOR, ADMIN, AUDITOR, SUPERVISOR = ROLES
WEEGPLOEG = (MEMBER, COORDINATOR)
REGISTERING = (MELDPUNT, MEMBER, COORDINATOR)
RIGHTS = (ADMIN, AUDITOR)

# -- the scope of each object type -------------------------------------------------------------
# Per role, the scopes whose user has the object in their scope. The object is weegploeg A's:
# "own" and "same" are partners of A, "other" is not.
A_PARTNERS = {"own", "same"}
RECEIVING_PARTNER = {"own"}
ANY_PARTNER = set(SCOPES)


@dataclasses.dataclass(frozen=True)
class ObjectType:
    """Who has an object of this type in their scope, per role; what a user outside the scope
    gets (404: it does not exist for them)."""

    scope: dict
    public: bool = False
    outside: object = NOT_FOUND

    def in_scope(self, role, scope) -> bool:
        return scope in self.scope.get(role, ())


def everyone_in(scopes):
    return {role: scopes for role in ROLES}


OBJECT_TYPES = {
    # No object: the page shows the user's own account, or lists filtered to their scope.
    "none": ObjectType(everyone_in(ANY_PARTNER)),
    "public": ObjectType(everyone_in(ANY_PARTNER), public=True),
    # A signal as a registration: the receiving partner's meldpunt; as a dossier: the members
    # and coordinators of the partners of its weegploeg. Admin and auditor hold no grants on
    # signals at all (no global permissions).
    "signal": ObjectType({MELDPUNT: RECEIVING_PARTNER, MEMBER: A_PARTNERS,
                          COORDINATOR: A_PARTNERS}),
    "dossier": ObjectType({MEMBER: A_PARTNERS, COORDINATOR: A_PARTNERS}),
    # Sessions, their agenda items, decisions, records and exports; information requests.
    "session": ObjectType({MEMBER: A_PARTNERS, COORDINATOR: A_PARTNERS}),
    # A casusoverleg decision's notification: the coordinators of its weegploeg.
    "notification": ObjectType({COORDINATOR: A_PARTNERS}),
    # Legal holds and persons under the AVG: the admin and FG of the weegploeg's partners.
    "hold": ObjectType({ADMIN: A_PARTNERS, AUDITOR: A_PARTNERS}),
    "person": ObjectType({ADMIN: A_PARTNERS, AUDITOR: A_PARTNERS}),
    # An inzage export is its requester's alone (it shows what their partner may see): the
    # world's was asked for by the beheerder of the gemeente of A.
    "subject export": ObjectType({ADMIN: RECEIVING_PARTNER}),
    # The installation's own: the referentiekader's versions, retention rules, purge runs
    # (one nightly job for all weegploegen).
    "national": ObjectType(everyone_in(ANY_PARTNER)),
    # Functioneel beheer is per partner: a user is the admin's of the same partner only.
    "user": ObjectType({ADMIN: RECEIVING_PARTNER}),
    # Partners and weegploegen are the installation administrator's (a Django superuser):
    # no role of a partner has them in scope.
    "installation": ObjectType({}),
    # A referral through the public form: the meldpunt of the gemeente it was sent to.
    "submission": ObjectType({MELDPUNT: RECEIVING_PARTNER}),
    # The audit trail of one of A's signals: the FG of a partner that takes part in A; any
    # other FG's filtered screen shows nothing of it.
    "audit trail": ObjectType({AUDITOR: A_PARTNERS}, outside=EMPTY),
}


@dataclasses.dataclass(frozen=True)
class Url:
    """One URL: its object type, the roles that may take its action, which check comes
    first, the answer when allowed, and (for an information request) the partners that may
    act on an object they see."""

    object_type: str
    roles: tuple = tuple(ROLES)
    role_first: bool = True
    success: object = OK
    acting: set | None = None

    def expected(self, role, scope):
        kind = OBJECT_TYPES[self.object_type]
        may, in_scope = role in self.roles, kind.in_scope(role, scope)
        if self.role_first and not may:
            return FORBIDDEN
        if not in_scope:
            return kind.outside
        if not may or (self.acting is not None and scope not in self.acting):
            return FORBIDDEN
        return self.success

    def answers(self):
        kind = OBJECT_TYPES[self.object_type]
        expected = {("anonymous", "-"): self.success if kind.public else LOGIN}
        expected.update({(role, scope): self.expected(role, scope)
                         for role in ROLES for scope in SCOPES})
        return expected


def screen(*roles, success=OK):
    """A page without an object (or lists filtered to the user's scope) for `roles`."""
    return Url("none", roles or tuple(ROLES), success=success)


def on(object_type, *roles, success=OK, object_first=True, acting=None):
    """A page about one object: `roles` may act on it once they see it."""
    return Url(object_type, roles or tuple(ROLES), role_first=not object_first,
               success=success, acting=acting)


def guarded(object_type, *roles, success=OK):
    """A page about one object behind a role check (`require_role`)."""
    return Url(object_type, roles or tuple(ROLES), role_first=True, success=success)


URLS = {
    # -- core -----------------------------------------------------------------------------
    "home": screen(),
    "healthz": Url("public"),
    "favicon": Url("public"),
    # Per-user account screens of django-two-factor-auth: the same for every role.
    "two_factor:login": Url("public"),
    "two_factor:setup": screen(success=DONE),  # a user with a device goes on to "complete"
    "two_factor:qr": screen(success=NOT_FOUND),  # only during a setup in this session
    "two_factor:setup_complete": screen(),
    "two_factor:backup_tokens": screen(),
    "two_factor:profile": screen(),
    "two_factor:disable": screen(),
    "logout": screen(success=LOGIN),  # POST: logged out and sent to the login page
    # The FG's screens, filtered on the audit trail of A's signal: their own scope only.
    "audit:log": guarded("audit trail", AUDITOR),
    "audit:export": guarded("audit trail", AUDITOR),
    # -- signals: lists (filtered by Signal.objects.visible_to) and registration --------
    "signals:queue": screen(*WEEGPLOEG),
    "signals:register": screen(*REGISTERING),
    # Without a receipt in the session: on to the registration form.
    "signals:receipt": screen(*REGISTERING, success=DONE),
    "signals:mine": screen(*REGISTERING),
    # -- signals: one signal of weegploeg A, received by the gemeente (own) ------------------
    "signals:detail": on("signal", *REGISTERING),
    "signals:edit": on("signal", *REGISTERING),
    "signals:identity": on("signal", *REGISTERING),
    "signals:attachment_add": on("signal", *REGISTERING),
    "signals:attachment": on("signal", *REGISTERING),
    # Contributing is an object permission of the weegploeg, not of the registrar.
    "signals:contribute": on("dossier", *WEEGPLOEG),
    # Withdrawal and transfer: the coordinator; a member sees the dossier but may not (403).
    "signals:withdraw": on("dossier", COORDINATOR),
    "signals:transfer": on("dossier", COORDINATOR),
    # -- criteria ---------------------------------------------------------------------------
    "criteria:public_framework": Url("public"),
    "criteria:framework_version": Url("public"),
    "criteria:manage": screen(ADMIN),
    "criteria:create_draft": screen(ADMIN, success=DONE),  # POST
    "criteria:edit_draft": guarded("national", ADMIN),
    "criteria:publish": guarded("national", ADMIN, success=DONE),  # POST
    # A partner's own view is entered by a member; the coordinator sees the dossier but
    # records only the joint assessment.
    "criteria:partner_assessment": on("dossier", MEMBER),
    "criteria:joint_assessment": on("dossier", *WEEGPLOEG),
    "criteria:assessment": on("dossier", *WEEGPLOEG),
    # -- weegploeg: sessions of A, the decided casusoverleg item ----------------------------
    "weegploeg:sessions": screen(*WEEGPLOEG),
    "weegploeg:session": on("session", *WEEGPLOEG),
    "weegploeg:session_action": on("session", COORDINATOR, success=DONE),  # POST "openen"
    "weegploeg:export": on("session", COORDINATOR),
    "weegploeg:export_status": on("session", *WEEGPLOEG),
    # What a vote on the signal needs: whoever sees the dossier (the weegploeg).
    "weegploeg:signal_readiness": on("dossier", *WEEGPLOEG),
    # After the decision (rule 12): the weegploeg reads it (a role check first); only the
    # procesregisseur's POSTs record, which the page's own tests cover.
    "weegploeg:after_decision": guarded("dossier", *WEEGPLOEG),
    "weegploeg:item": on("session", *WEEGPLOEG),
    "weegploeg:item_votes": on("session", *WEEGPLOEG),
    "weegploeg:item_action": on("session", COORDINATOR, success=DONE),  # POST "omhoog"
    "weegploeg:decision": on("session", *WEEGPLOEG),
    "weegploeg:handover": on("session", *WEEGPLOEG),
    "weegploeg:record": on("session", *WEEGPLOEG),
    # The information request is addressed to the gemeente: answering is a member's task
    # (403 for other roles before any lookup); a member of the politie sees the dossier but
    # may not answer for the gemeente (403).
    "weegploeg:answer": Url("dossier", (MEMBER,), role_first=True, acting=RECEIVING_PARTNER),
    # -- statistics: one's own weegploegen (counts only); the national trend export ----------
    "statistics:dashboard": screen(MEMBER, COORDINATOR, ADMIN, AUDITOR),
    "statistics:trend_export": screen(ADMIN),
    # -- accountability (rule 13): counts for the FG and the toezichthouder; the FG's export
    # of exchanges per legal ground, filtered on weegploeg A like the audit screen ----------
    "statistics:conformance": screen(AUDITOR, SUPERVISOR),
    "statistics:annual_statement": screen(AUDITOR, SUPERVISOR),
    "statistics:exchanges": guarded("audit trail", AUDITOR),
    # -- retention ---------------------------------------------------------------------------
    # Lists filtered to the user's weegploegen; rules and runs are the installation's.
    "retention:overview": screen(*RIGHTS),
    "retention:run": guarded("national", *RIGHTS),
    "retention:rule": guarded("national", ADMIN),
    "retention:hold_create": screen(ADMIN),
    "retention:hold_end": guarded("hold", ADMIN),
    "retention:notifications": screen(COORDINATOR),
    "retention:stale": screen(COORDINATOR),
    "retention:notification": guarded("notification", COORDINATOR),
    # The person's rights: the functioneel beheerder and the FG (after stating purpose and
    # case number at the search). What the search finds is tested in test_isolation.
    "rights:subject_search": screen(*RIGHTS),
    "rights:subject_person": guarded("person", *RIGHTS),
    "rights:subject_export": guarded("person", *RIGHTS, success=DONE),  # POST: ask for it
    "rights:subject_export_status": guarded("subject export", *RIGHTS),
    "rights:subject_export_download": guarded("subject export", *RIGHTS),
    "rights:subject_request": guarded("person", *RIGHTS, success=DONE),  # POST: handle it
    # -- referrals: the public form of A's gemeente; the meldpunt's intake --------------------
    "referrals:public_form": Url("public"),
    "referrals:intake": screen(MELDPUNT),
    "referrals:submission": on("submission", MELDPUNT),
    "referrals:attachment": on("submission", MELDPUNT),
    # The standard text of the meldpunt's own gemeente (a meldpunt elsewhere reads that its
    # organisation has no public meldpunt).
    "referrals:feedback_text": screen(MELDPUNT),
}

# The admin site (generated patterns, by route). It checks the role first: only the admin
# role enters. Its own pages:
BEHEER_SITE = {
    "beheer/": screen(ADMIN),
    "beheer/^(?P<app_label>pga)/$": screen(ADMIN),
    "beheer/password_change/": screen(ADMIN),
    "beheer/password_change/done/": screen(ADMIN),
    "beheer/jsi18n/": screen(ADMIN),
    # No second login form: a logged-in user is refused, a visitor goes to the one login.
    "beheer/login/": screen(success=FORBIDDEN),
    # Django's admin logs out by POST only.
    "beheer/logout/": screen(ADMIN, success=NOT_ALLOWED),
    # Autocomplete answers only a request naming an admin-registered field.
    "beheer/autocomplete/": screen(ADMIN, success=FORBIDDEN),
    # "View on site": none of the models has a page outside the admin.
    "beheer/r/<path:content_type_id>/<path:object_id>/": screen(ADMIN, success=NOT_FOUND),
    # The catch-all: 404 for the admin on an unknown path below it.
    "beheer/(?P<url>.*)$": screen(ADMIN, success=NOT_FOUND),
}
# Its models: each a type of object, and the roles that manage it.
BEHEER_MODELS = {"user": ("user", (ADMIN,)), "partner": ("installation", ()),
                 "weegploeg": ("installation", ()),
                 # The legal grounds (rule 13): one list for the installation, kept by every
                 # functioneel beheerder.
                 "legalground": ("national", (ADMIN,))}


def beheer_url(route):
    """The declaration of an admin page, from its model's: the list and the add form are
    for the roles that manage the model; an object's pages for those who have it in scope;
    deletion for nobody (partners, weegploegen and users carry history); the redirect from
    an object's bare URL to its change page looks nothing up."""
    if route in BEHEER_SITE:
        return BEHEER_SITE[route]
    match = re.fullmatch(r"beheer/pga/(\w+)/(.*)", route)
    if not match or match.group(1) not in BEHEER_MODELS:
        return None
    object_type, roles = BEHEER_MODELS[match.group(1)]
    page = match.group(2)
    if page in ("", "add/"):
        return screen(*roles) if roles else Url("none", (), success=FORBIDDEN)
    if page == "<path:object_id>/":
        return screen(ADMIN, success=DONE)
    if page == "<path:object_id>/delete/":
        # The site lets in the managing roles, the object is looked up in their scope (404
        # outside it), and then deletion is refused.
        return Url(object_type, roles, success=FORBIDDEN) if roles else Url(object_type, ())
    return guarded(object_type, *roles) if roles else Url(object_type, ())


# The FG's screens are filtered on the audit trail of A's open signal.
def _audit_trail(world):
    return {"content_type": ContentType.objects.get_for_model(Signal).pk,
            "object_pk": world.signal.pk}


QUERY = {"audit:log": _audit_trail, "audit:export": _audit_trail,
         "statistics:exchanges": lambda world: {"weegploeg": world.a.pk}}

# POST-only endpoints are exercised with a POST (GET would only say 405): their data, from
# the world. Each request runs in a savepoint that is rolled back.
POST_DATA = {
    "logout": lambda world: {},
    "criteria:create_draft": lambda world: {},
    "criteria:publish": lambda world: {},
    # The session is planned for tomorrow: opening it today takes a reason.
    "weegploeg:session_action": lambda world: {"reason": "Vervroegd."},
    "weegploeg:item_action": lambda world: {},
    "rights:subject_export": lambda world: {"export_format": "pdf"},
    "rights:subject_request": lambda world: {
        f"verzoek-{world.subject_request.pk}-status": "toegewezen",
        f"verzoek-{world.subject_request.pk}-handling": "Inzage verstrekt.",
    },
}

# The purpose and case number a rights user states at the search; the person's pages and
# exports ask for them (retention.views.SUBJECT_SESSION_KEY).
STATED_PURPOSE = {"purpose": "inzageverzoek", "case_number": "INZ-2026-4"}


def url_kwargs(world) -> dict:
    """Each URL's parameters, filled from the world (all objects of weegploeg A)."""
    signal = {"pk": world.signal.pk}
    return {
        "signals:detail": signal,
        "signals:edit": signal,
        "signals:identity": signal,
        "signals:attachment_add": signal,
        "signals:attachment": {**signal, "attachment_pk": world.attachment.pk},
        "signals:contribute": signal,
        "signals:withdraw": signal,
        "signals:transfer": signal,
        "criteria:framework_version": {"version": world.published.version},
        "criteria:edit_draft": {"version": world.draft.version},
        "criteria:publish": {"version": world.draft.version},
        "criteria:partner_assessment": {"signal_pk": world.signal.pk},
        "criteria:joint_assessment": {"signal_pk": world.signal.pk},
        "criteria:assessment": {"signal_pk": world.signal.pk, "pk": world.joint_assessment.pk},
        "weegploeg:session": {"pk": world.session.pk},
        "weegploeg:session_action": {"pk": world.session.pk, "action": "openen"},
        "weegploeg:export": {"pk": world.session.pk, "export_pk": world.export.pk},
        "weegploeg:export_status": {"pk": world.session.pk, "export_pk": world.export.pk},
        "weegploeg:signal_readiness": signal,
        # The decided casusoverleg signal: its follow-ups and the re-weighing form.
        "weegploeg:after_decision": {"pk": world.item.signal_id},
        "weegploeg:item": {"pk": world.item.pk},
        "weegploeg:item_votes": {"pk": world.item.pk},
        "weegploeg:item_action": {"pk": world.item.pk, "action": "omhoog"},
        "weegploeg:decision": {"pk": world.decision.pk},
        "weegploeg:handover": {"pk": world.decision.pk},
        "weegploeg:record": {"pk": world.record.pk},
        "weegploeg:answer": {"pk": world.info_request.pk},
        "retention:rule": {"basis": "casusoverleg"},
        "retention:run": {"pk": world.purge_run.pk},
        "retention:hold_end": {"pk": world.hold.pk},
        "retention:notification": {"pk": world.decision.pk},
        "rights:subject_person": {"pk": world.signal.person_id},
        "rights:subject_export": {"pk": world.signal.person_id},
        "rights:subject_export_status": {"pk": world.signal.person_id,
                                         "export_pk": world.subject_export.pk},
        "rights:subject_export_download": {"pk": world.signal.person_id,
                                           "export_pk": world.subject_export.pk},
        "rights:subject_request": {"pk": world.signal.person_id,
                                      "request_pk": world.subject_request.pk},
        "referrals:public_form": {"gemeente": world.partners["own"].code},
        "referrals:submission": {"pk": world.submission.pk},
        "referrals:attachment": {"pk": world.submission.pk,
                                 "attachment_pk": world.submission_attachment.pk},
    }


def beheer_path(world, route, pattern):
    """A path to the admin pattern with the world's objects: the gemeente of A, weegploeg A,
    a member of A (and "pga", an unknown path, for the app index and the catch-all)."""
    objects = {
        "partner": world.partners["own"].pk,
        "weegploeg": world.a.pk,
        "user": world.user(Role.MEMBER, "own").pk,
        "legalground": legal_ground().pk,
    }
    path = route
    model = re.search(r"pga/(\w+)/", route)
    path = path.replace("<path:object_id>", str(objects[model.group(1)] if model else
                                                 world.partners["own"].pk))
    path = path.replace("<path:content_type_id>",
                        str(ContentType.objects.get_for_model(Partner).pk))
    path = path.replace("^(?P<app_label>pga)/$", "pga/").replace("(?P<url>.*)$", "onbekend/")
    if "<" in path or "(?P" in path:
        return _sample_path(route, pattern)
    return "/" + path


def url_path(world, name, route, pattern):
    """The path of a URL pattern with the world's objects."""
    if name.startswith("beheer:"):
        return beheer_path(world, route, pattern)
    if "<" in route:
        return reverse(name, kwargs=url_kwargs(world)[name])
    return _sample_path(route, pattern)


PATTERNS = all_url_patterns()


def _key(name, route):
    return route if name.startswith("beheer:") else name


def declaration(name, route):
    return beheer_url(route) if name.startswith("beheer:") else URLS.get(name)


def expected_for(name, route):
    url = declaration(name, route)
    return url.answers() if url is not None else None


def _outcome(response, filtered=False):
    """The answer; on a filtered screen (`filtered`), a page without rows is EMPTY."""
    chain = getattr(response, "redirect_chain", None)
    if filtered and response.status_code == 200 and not chain:
        if response.streaming:
            rows = b"".join(response.streaming_content).decode().splitlines()[1:]
        else:
            rows = response.context["page"].object_list
        return OK if rows else EMPTY
    if chain:
        return LOGIN if chain[-1][0].startswith(LOGIN_PATH) else DONE
    if response.status_code in (301, 302):
        return LOGIN if response["Location"].startswith(LOGIN_PATH) else DONE
    return response.status_code


CASES_CHECKED: list[tuple[str, str, str]] = []
FIGURES["permission matrix: (URL x role x scope) cases checked"] = CASES_CHECKED


@pytest.mark.parametrize(
    ("name", "route", "pattern"), PATTERNS, ids=[_key(n, r) for n, r, _p in PATTERNS]
)
def test_url_answers_each_role_and_scope_as_the_matrix_says(
    name, route, pattern, world, as_user, rolled_back, request
):
    expected = expected_for(name, route)
    if expected is None:
        pytest.fail(f"{name} ({route}) staat niet in URLS: verklaar welk soort object deze URL "
                    f"toont en hoe hij controleert.")
    path = url_path(world, name, route, pattern)
    method = "post" if name in POST_DATA else "get"
    data = (POST_DATA if method == "post" else QUERY).get(name, lambda world: {})(world)
    filtered = OBJECT_TYPES[declaration(name, route).object_type].outside == EMPTY
    wrong, server_errors = [], []
    for (role, scope), answer in expected.items():
        user = None if role == "anonymous" else world.user(role, scope)
        with rolled_back():
            client = as_user(user)
            if user is not None and name.startswith("rights:subject_"):
                session = client.session
                session[SUBJECT_SESSION_KEY] = STATED_PURPOSE
                session.save()
            try:
                # An anonymous visitor is followed to where they end up (the admin site
                # sends them through its own login URL to the one login page).
                response = getattr(client, method)(path, data, follow=user is None)
            except Exception as error:  # noqa: BLE001 - a 500 is reported with its case
                wrong.append(f"{role}/{scope}: verwacht {answer}, kreeg 500 ({error!r})")
                if not server_errors:
                    server_errors.append("".join(traceback.format_exception(error)))
                continue
            finally:
                CASES_CHECKED.append((_key(name, route), role, scope))
            got = _outcome(response, filtered)
            if response.streaming:
                # Read to the end: the test client's wrapper then closes the file.
                response.getvalue()
        if got != answer:
            wrong.append(f"{role}/{scope}: verwacht {answer}, kreeg {got}")
    request.node.user_properties.append(("cases", len(expected)))
    assert not wrong, (
        f"{method.upper()} {path} ({name}):\n  " + "\n  ".join(wrong + server_errors[:1])
    )


def test_every_url_pattern_has_a_decision_in_the_matrix():
    """A new URL fails here (and in its own case above) until URLS (or, for the admin site,
    BEHEER_SITE or BEHEER_MODELS) declares what it shows and how it checks."""
    missing = [
        f"{name} ({route})" for name, route, _pattern in PATTERNS
        if declaration(name, route) is None
    ]
    assert not missing, "URL's zonder verklaring in URLS:\n" + "\n".join(missing)
    names = [name for name, _route, _pattern in PATTERNS if not name.startswith("beheer:")]
    assert len(names) == len(set(names)), "elke URL buiten beheer heeft een eigen naam"
    stale = set(URLS) - set(names)
    assert not stale, f"verklaringen in URLS zonder URL: {sorted(stale)}"
    routes = {route for name, route, _pattern in PATTERNS if name.startswith("beheer:")}
    assert set(BEHEER_SITE) <= routes, set(BEHEER_SITE) - routes


def test_the_matrix_covers_every_url_for_every_role_and_scope(request):
    """The figure for the closing note: (URL × role × scope) cases, anonymous counted once
    per URL."""
    planned = sum(len(expected_for(name, route) or ()) for name, route, _p in PATTERNS)
    per_url = 1 + len(ROLES) * len(SCOPES)
    assert planned == per_url * len(PATTERNS)
    assert planned >= 1100
    request.node.user_properties.append(("planned_cases", planned))
    print(f"\npermission matrix: {len(PATTERNS)} URL patterns x {per_url} (role, scope) = "
          f"{planned} cases")
