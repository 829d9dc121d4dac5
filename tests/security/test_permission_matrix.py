"""The permission matrix (issue 7): every URL pattern × every role × every scope, against one
explicit table of what each must answer.

Scopes (see conftest): "own" = the gemeente of weegploeg A that received the signals, "same" =
the politie of A (another partner in the same weegploeg), "other" = the gemeente of
weegploeg B. Every object tried lives in weegploeg A. The answers:

- LOGIN: an anonymous visitor is sent to the login page;
- 200, or DONE (a redirect after a successful action) for POST-only endpoints;
- 403: the user's role may not take this kind of action (`pga.authz.require_role`);
- 404: the object is not granted to the user — another partner's or weegploeg's, or an object
  permission the user's partner and role do not hold. The same answer whether the object
  exists or not, so nothing leaks.

A URL pattern without a row in MATRIX fails: a new URL forces a decision. The admin site
(`beheer:*`, generated patterns) follows one rule for the namespace — admin role 200, every
other role 403, anonymous to the login — with the exceptions in BEHEER_EXCEPTIONS, and is
still checked pattern by pattern.
"""

import re
import traceback

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from pga.models import Partner, Role
from retention.views import SUBJECT_SESSION_KEY
from tests.pga.test_login import LOGIN_PATH, _sample_path, all_url_patterns
from tests.security.conftest import FIGURES, ROLES, SCOPES

OK, DONE, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, "done", "login", 403, 404, 405
# A 404 for a role that holds no object permission on signals at all (admin, auditor) or
# not this one (a meldpunt on the weegploeg's dossier): the object does not exist for them.
NOT_VISIBLE = NOT_FOUND
MEMBER, COORDINATOR = Role.MEMBER, Role.COORDINATOR

# Per scope (own, same, other): shorthand for the common shapes.
OWN_PARTNER = (OK, NOT_FOUND, NOT_FOUND)
WEEGPLOEG_A = (OK, OK, NOT_FOUND)
WEEGPLOEG_A_DONE = (DONE, DONE, NOT_FOUND)
ROLE_REFUSED_IN_A = (FORBIDDEN, FORBIDDEN, NOT_FOUND)


def row(*, anonymous=LOGIN, **by_role):
    """The expected answer per (role, scope). Every role must be named: a value for all three
    scopes, or a tuple (own, same, other)."""
    missing = set(ROLES) - set(by_role)
    assert not missing, f"rol(len) zonder verwachting: {sorted(missing)}"
    expected = {("anonymous", "-"): anonymous}
    for role in ROLES:
        value = by_role[role]
        for scope, answer in zip(SCOPES, value if isinstance(value, tuple) else (value,) * 3,
                                 strict=True):
            expected[(role, scope)] = answer
    return expected


def everyone(answer, anonymous=LOGIN):
    return row(anonymous=anonymous, **{role: answer for role in ROLES})


def only(roles, answer=OK, others=FORBIDDEN):
    """Role-level screens: `roles` get `answer` in every scope, every other role `others`."""
    return row(**{role: answer if role in roles else others for role in ROLES})


MATRIX = {
    # -- core -----------------------------------------------------------------------------
    "home": everyone(OK),
    "healthz": everyone(OK, anonymous=OK),
    # Per-user account screens of django-two-factor-auth: the same for every role.
    "two_factor:login": everyone(OK, anonymous=OK),
    "two_factor:setup": everyone(DONE),  # a user with a device is sent on to "complete"
    "two_factor:qr": everyone(NOT_FOUND),  # only during a setup in this session
    "two_factor:setup_complete": everyone(OK),
    "two_factor:backup_tokens": everyone(OK),
    "two_factor:profile": everyone(OK),
    "two_factor:disable": everyone(OK),
    "logout": everyone(LOGIN),  # POST: logged out and sent to the login page
    # The auditor's screens: every auditor, whatever their partner (the log is one log).
    "audit:log": only({Role.AUDITOR}),
    "audit:export": only({Role.AUDITOR}),
    # -- signals: lists (filtered by visible_signals) and registration ----------------------
    "signals:queue": only({MEMBER, COORDINATOR}),
    "signals:register": only({Role.MELDPUNT, MEMBER, COORDINATOR}),
    "signals:mine": only({Role.MELDPUNT, MEMBER, COORDINATOR}),
    # -- signals: one signal of weegploeg A, received by the gemeente (own) ------------------
    # The meldpunt of the receiving partner sees and edits its own registration; the
    # weegploeg (member, coordinator of the three partners) sees the dossier. Admin and
    # auditor hold no grants on signals at all (no global permissions).
    "signals:detail": row(meldpunt=OWN_PARTNER, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                          admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "signals:edit": row(meldpunt=OWN_PARTNER, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                        admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "signals:identity": row(meldpunt=OWN_PARTNER, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                            admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "signals:attachment_add": row(meldpunt=OWN_PARTNER, member=WEEGPLOEG_A,
                                  coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE,
                                  auditor=NOT_VISIBLE),
    "signals:attachment": row(meldpunt=OWN_PARTNER, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                              admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    # Contributing is an object permission of the weegploeg, not of the registrar.
    "signals:contribute": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A,
                              coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    # Withdrawal and transfer: the coordinator; a member sees the dossier but may not (403).
    "signals:withdraw": row(meldpunt=NOT_VISIBLE, member=ROLE_REFUSED_IN_A,
                            coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "signals:transfer": row(meldpunt=NOT_VISIBLE, member=ROLE_REFUSED_IN_A,
                            coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    # -- criteria ---------------------------------------------------------------------------
    "criteria:public_framework": everyone(OK, anonymous=OK),
    "criteria:framework_version": everyone(OK, anonymous=OK),
    "criteria:manage": only({Role.ADMIN}),
    "criteria:create_draft": only({Role.ADMIN}, DONE),  # POST
    "criteria:edit_draft": only({Role.ADMIN}),
    "criteria:publish": only({Role.ADMIN}, DONE),  # POST
    # A partner's own view is entered by a member; the coordinator sees the dossier but
    # records only the joint assessment.
    "criteria:partner_assessment": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A,
                                       coordinator=ROLE_REFUSED_IN_A, admin=NOT_VISIBLE,
                                       auditor=NOT_VISIBLE),
    "criteria:joint_assessment": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A,
                                     coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE,
                                     auditor=NOT_VISIBLE),
    "criteria:assessment": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                               admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    # -- weegploeg: sessions of A, the decided casusoverleg item ----------------------------
    "weegploeg:sessions": only({MEMBER, COORDINATOR}),
    # A session is visible to the members and coordinators of its weegploeg's partners only;
    # for any other role it does not exist (404, `get_visible_session`).
    "weegploeg:session": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                             admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "weegploeg:session_action": row(meldpunt=NOT_VISIBLE, member=ROLE_REFUSED_IN_A,
                                    coordinator=WEEGPLOEG_A_DONE, admin=NOT_VISIBLE,
                                    auditor=NOT_VISIBLE),  # POST "openen"
    "weegploeg:export": row(meldpunt=NOT_VISIBLE, member=ROLE_REFUSED_IN_A,
                            coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "weegploeg:export_status": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A,
                                   coordinator=WEEGPLOEG_A, admin=NOT_VISIBLE,
                                   auditor=NOT_VISIBLE),
    "weegploeg:item": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                          admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "weegploeg:item_action": row(meldpunt=NOT_VISIBLE, member=ROLE_REFUSED_IN_A,
                                 coordinator=WEEGPLOEG_A_DONE, admin=NOT_VISIBLE,
                                 auditor=NOT_VISIBLE),  # POST "omhoog"
    "weegploeg:decision": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                              admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "weegploeg:handover": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                              admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    "weegploeg:record": row(meldpunt=NOT_VISIBLE, member=WEEGPLOEG_A, coordinator=WEEGPLOEG_A,
                            admin=NOT_VISIBLE, auditor=NOT_VISIBLE),
    # The information request is addressed to the gemeente: a member of the politie sees the
    # dossier but may not answer for the gemeente (403); answering is a member's task, so
    # other roles are refused before any lookup (403, whether the request exists or not).
    "weegploeg:answer": row(meldpunt=FORBIDDEN, member=(OK, FORBIDDEN, NOT_FOUND),
                            coordinator=FORBIDDEN, admin=FORBIDDEN, auditor=FORBIDDEN),
    # -- retention ---------------------------------------------------------------------------
    # Retention rules, holds and purge runs concern no single partner: the functioneel
    # beheerder manages them, the FG reads along.
    # Statistics of one's own weegploegen (counts only); the national trend export is for
    # the functioneel beheerder.
    "statistics:dashboard": only({MEMBER, COORDINATOR, Role.ADMIN}),
    "statistics:trend_export": only({Role.ADMIN}),
    "retention:overview": only({Role.ADMIN, Role.AUDITOR}),
    "retention:run": only({Role.ADMIN, Role.AUDITOR}),
    "retention:rule": only({Role.ADMIN}),
    "retention:hold_create": only({Role.ADMIN}),
    "retention:hold_end": only({Role.ADMIN}),
    # The coordinator's lists are filtered to their own weegploegen.
    "retention:notifications": only({COORDINATOR}),
    "retention:stale": only({COORDINATOR}),
    "retention:notification": row(meldpunt=FORBIDDEN, member=FORBIDDEN,
                                  coordinator=WEEGPLOEG_A, admin=FORBIDDEN, auditor=FORBIDDEN),
    # The person's rights: the functioneel beheerder and the FG (after stating purpose and
    # case number at the search). The search form itself is empty; what it finds is tested
    # in test_isolation. A person whose dossiers are all in weegploeg A is, for the admin and
    # FG of a partner of another weegploeg, another weegploeg's data: 404 (DESIGN.md §4,
    # ADR 0001 "strikte scheiding tussen partners en weegploegen").
    "retention:subject_search": only({Role.ADMIN, Role.AUDITOR}),
    "retention:subject_person": row(meldpunt=FORBIDDEN, member=FORBIDDEN,
                                    coordinator=FORBIDDEN, admin=WEEGPLOEG_A,
                                    auditor=WEEGPLOEG_A),
    "retention:subject_export": row(meldpunt=FORBIDDEN, member=FORBIDDEN,
                                    coordinator=FORBIDDEN, admin=WEEGPLOEG_A,
                                    auditor=WEEGPLOEG_A),
    "retention:subject_request": row(meldpunt=FORBIDDEN, member=FORBIDDEN,
                                     coordinator=FORBIDDEN, admin=WEEGPLOEG_A_DONE,
                                     auditor=WEEGPLOEG_A_DONE),  # POST: handle the request
}

# The admin site: admin role 200 in every scope, every other role 403, anonymous to the
# login page — except these patterns (by route), each with its reason.
BEHEER_RULE = only({Role.ADMIN})
BEHEER_EXCEPTIONS = {
    # No second login form: a logged-in user is refused, a visitor goes to the one login.
    "beheer/login/": everyone(FORBIDDEN),
    # Django's admin logs out by POST only.
    "beheer/logout/": only({Role.ADMIN}, NOT_ALLOWED),
    # Autocomplete answers only a request naming an admin-registered field.
    "beheer/autocomplete/": only({Role.ADMIN}, FORBIDDEN),
    # Partners, weegploegen and users carry history: never deleted, also not by the admin.
    "beheer/pga/partner/<path:object_id>/delete/": only({Role.ADMIN}, FORBIDDEN),
    "beheer/pga/weegploeg/<path:object_id>/delete/": only({Role.ADMIN}, FORBIDDEN),
    "beheer/pga/user/<path:object_id>/delete/": only({Role.ADMIN}, FORBIDDEN),
    # "View on site": none of the models has a page outside the admin.
    "beheer/r/<path:content_type_id>/<path:object_id>/": only({Role.ADMIN}, NOT_FOUND),
    # The redirect from an object's bare URL to its change page.
    "beheer/pga/partner/<path:object_id>/": only({Role.ADMIN}, DONE),
    "beheer/pga/weegploeg/<path:object_id>/": only({Role.ADMIN}, DONE),
    "beheer/pga/user/<path:object_id>/": only({Role.ADMIN}, DONE),
    # The admin's catch-all: 404 for the admin on an unknown path below it, 403 for others.
    "beheer/(?P<url>.*)$": only({Role.ADMIN}, NOT_FOUND),
}

# POST-only endpoints are exercised with a POST (GET would only say 405): their data, from
# the world. Each request runs in a savepoint that is rolled back.
POST_DATA = {
    "logout": lambda world: {},
    "criteria:create_draft": lambda world: {},
    "criteria:publish": lambda world: {},
    "weegploeg:session_action": lambda world: {},
    "weegploeg:item_action": lambda world: {},
    "retention:subject_request": lambda world: {
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
        "weegploeg:item": {"pk": world.item.pk},
        "weegploeg:item_action": {"pk": world.item.pk, "action": "omhoog"},
        "weegploeg:decision": {"pk": world.decision.pk},
        "weegploeg:handover": {"pk": world.decision.pk},
        "weegploeg:record": {"pk": world.record.pk},
        "weegploeg:answer": {"pk": world.info_request.pk},
        "retention:rule": {"basis": "casusoverleg"},
        "retention:run": {"pk": world.purge_run.pk},
        "retention:hold_end": {"pk": world.hold.pk},
        "retention:notification": {"pk": world.decision.pk},
        "retention:subject_person": {"pk": world.signal.person_id},
        "retention:subject_export": {"pk": world.signal.person_id, "export_format": "json"},
        "retention:subject_request": {"pk": world.signal.person_id,
                                      "request_pk": world.subject_request.pk},
    }


def beheer_path(world, route, pattern):
    """A path to the admin pattern with the world's objects: the gemeente of A, weegploeg A,
    a member of A (and "pga", an unknown path, for the app index and the catch-all)."""
    objects = {
        "partner": world.partners["own"].pk,
        "weegploeg": world.a.pk,
        "user": world.user(Role.MEMBER, "own").pk,
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


def expected_for(name, route):
    if name.startswith("beheer:"):
        return BEHEER_EXCEPTIONS.get(route, BEHEER_RULE)
    return MATRIX.get(name)


def _outcome(response):
    chain = getattr(response, "redirect_chain", None)
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
        pytest.fail(f"{name} ({route}) staat niet in MATRIX: beslis per rol en scope wat deze "
                    f"URL moet antwoorden.")
    path = url_path(world, name, route, pattern)
    method = "post" if name in POST_DATA else "get"
    wrong, server_errors = [], []
    for (role, scope), answer in expected.items():
        user = None if role == "anonymous" else world.user(role, scope)
        with rolled_back():
            client = as_user(user)
            if user is not None and name.startswith("retention:subject_"):
                session = client.session
                session[SUBJECT_SESSION_KEY] = STATED_PURPOSE
                session.save()
            try:
                # An anonymous visitor is followed to where they end up (the admin site
                # sends them through its own login URL to the one login page).
                response = getattr(client, method)(
                    path, POST_DATA[name](world) if method == "post" else {},
                    follow=user is None,
                )
            except Exception as error:  # noqa: BLE001 - a 500 is reported with its case
                wrong.append(f"{role}/{scope}: verwacht {answer}, kreeg 500 ({error!r})")
                if not server_errors:
                    server_errors.append("".join(traceback.format_exception(error)))
                continue
            finally:
                CASES_CHECKED.append((_key(name, route), role, scope))
            got = _outcome(response)
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
    """A new URL fails here (and in its own case above) until MATRIX says what it answers."""
    missing = [
        f"{name} ({route})" for name, route, _pattern in PATTERNS
        if expected_for(name, route) is None
    ]
    assert not missing, "URL's zonder regel in MATRIX:\n" + "\n".join(missing)
    names = [name for name, _route, _pattern in PATTERNS if not name.startswith("beheer:")]
    assert len(names) == len(set(names)), "elke URL buiten beheer heeft een eigen naam"
    stale = set(MATRIX) - set(names)
    assert not stale, f"regels in MATRIX zonder URL: {sorted(stale)}"
    routes = {route for name, route, _pattern in PATTERNS if name.startswith("beheer:")}
    assert set(BEHEER_EXCEPTIONS) <= routes, set(BEHEER_EXCEPTIONS) - routes


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
