"""Isolation between weegploegen (issue 14): for every URL that takes an id, another
weegploeg's ids are requested by every role, GET and POST, and a checksum of every table shows
that nothing changed.

The world (conftest) has two complete weegploegen, A and B, each with a user of every role at
each of its three partners and objects of every type a URL takes an id of. Every URL pattern
with an id is filled with B's objects (B_IDS; a pattern without an entry fails, so a new URL
forces a decision) — and, where a URL names two objects, with an object of A and one of B —
and requested by an anonymous visitor and by each of A's 15 users with a verified second
factor: GET, an empty POST and, where the page has a form, a valid POST body.

What each may answer:
- anonymous: the login page (followed through the admin site's own login URL);
- A's users: 403, 404 or 405; a redirect only to a page that names nothing of B and is no
  result of an action (ALLOWED_REDIRECTS); never a page with B's data;
- and nothing changes: a checksum of every table (except the audit log, its chain head,
  sessions and the login-attempt tables, which reads and logins write to) is the same after
  the request as before it. Every request runs in a savepoint that is rolled back.

The named tests at the end state the rules of issue 14 one by one.
"""

import csv
import dataclasses
import datetime
import io
import re
import traceback
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from criteria.models import Assessment
from pga.models import AuditEntry, Partner, Role, User, Weegploeg
from retention.models import DeletedSignal, LegalHold, Notification, SubjectRequest
from retention.views import SUBJECT_SESSION_KEY
from signals.models import Attachment, Contribution, Person, Signal
from tests.criteria.factories import form_data
from tests.factories import TEST_PASSWORD, legal_ground
from tests.pga.test_login import LOGIN_PATH, all_url_patterns
from tests.security.conftest import FIGURES, KINDS, ROLES
from tests.signals.factories import person_fields
from weegploeg.models import (
    AgendaItem,
    Decision,
    DecisionRecord,
    InformationRequest,
    Session,
    SessionExport,
    Vote,
)

STATED = {"purpose": "inzageverzoek", "case_number": "INZ-2026-4"}
MOTIVATION = "Feiten uit school en politie wijzen op toenemende geweldsbereidheid."
# Keyword arguments that name an object; the others (an action, an export format) choose
# what to do with it.
ID_KWARG = re.compile(r"(^|_)(pk|id)$|^version$|^basis$")
# Tables that reads and logins legitimately write to: the audit log (every read is an ACCESS
# entry) and its chain head, sessions, and django-axes' login attempts.
UNCHECKED_TABLES = {
    AuditEntry._meta.db_table, "pga_auditchain_head", "django_session",
    "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog",
}


def _key(name, route):
    return route if name.startswith("beheer:") else name


def _path(route, kwargs):
    """The admin site's patterns: the route with the kwargs filled in."""
    path = route
    for kwarg, value in kwargs.items():
        path = path.replace(f"<path:{kwarg}>", str(value))
    return "/" + path


def _kwargs_of(pattern):
    return list(pattern.pattern.regex.groupindex)


ID_PATTERNS = [(name, route, pattern) for name, route, pattern in all_url_patterns()
               if any(ID_KWARG.search(kwarg) for kwarg in _kwargs_of(pattern))]

# -- what each URL's ids are filled with -----------------------------------------------------


@dataclasses.dataclass
class Variant:
    """One request target: the URL's kwargs with B's objects (`label` says which), and the
    POST bodies of the page's forms (besides the empty POST)."""

    label: str
    kwargs: dict
    bodies: list[dict] = dataclasses.field(default_factory=list)


def _upload():
    return SimpleUploadedFile("verslag.txt", b"Gespreksverslag mentor.\n")


def _days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def _signal_body():
    return {"signaal-received_on": _days(-3), "signaal-behaviour_from": _days(-10),
            "signaal-source_category": "burger", "signaal-phenomenon": "jihadisme",
            "signaal-description": "Overgenomen door een andere weegploeg."}


def _person_body(w):
    return {"betrokkene-first_names": "Anna", "betrokkene-surname": "Visser",
            "betrokkene-date_of_birth": "1990-05-01",
            "betrokkene-municipality": str(w.a.gemeente.pk)}


def _assessment_body(w, joint):
    data = {k: str(v) for k, v in form_data(framework=w.published).items()}
    data["conclusion"] = "Weging door een andere weegploeg."
    if joint:
        data.update({f"c{n}-source_partner": str(w.b.politie.pk) for n in range(1, 6)})
    return data


def _signals(w, *bodies):
    """B's open signal, and B's signal with a casusoverleg decision."""
    b = w.in_b
    return [Variant("B's open signal", {"pk": b.signal.pk}, list(bodies)),
            Variant("B's decided signal", {"pk": b.item.signal_id}, list(bodies))]


def _after_decision_bodies(w):
    b = w.in_b
    return [
        {"opvolging": "1", "follow_up": str(b.decision.follow_ups.first().pk),
         "checked": "Nagegaan.", "result": "Geen zorgen."},
        {"herwegen": "1", "reason_kind": "review", "reason": "Herbeoordeling."},
        {"escaleren": "1", "item": str(b.open_item.pk), "sent_on": _days(0),
         "sent_to": "Burgemeester"},
        {"ontvangen": "1", "transfer": "1"},
    ]


def _two(parent_kwarg, child_kwarg, b_parent, b_child, a_parent, bodies=()):
    """A URL naming two objects: both of B, and A's parent with B's child."""
    return [Variant("B's objects", {parent_kwarg: b_parent, child_kwarg: b_child}, list(bodies)),
            Variant("A's parent, B's child", {parent_kwarg: a_parent, child_kwarg: b_child},
                    list(bodies))]


def _b_staff(w):
    """One user of each of B's partners, with different roles."""
    return [w.staff[("b", "gemeente", Role.ADMIN)], w.staff[("b", "politie", Role.MEMBER)],
            w.staff[("b", "om", Role.AUDITOR)]]


def _user_body(user):
    """Take the account over: keep its partner, make it a beheerder, set a new password."""
    return {"email": user.email, "full_name": user.full_name, "partner": str(user.partner_id),
            "roles": "admin", "is_active": "on", "password1": TEST_PASSWORD + "!",
            "password2": TEST_PASSWORD + "!", "_save": "Opslaan"}


def _partner_body(partner):
    return {"kind": partner.kind, "name": partner.name + " (gewijzigd)", "code": partner.code,
            "weegploeg": str(partner.weegploeg_id or ""), "_save": "Opslaan"}


def _weegploeg_body(weegploeg):
    return {"name": weegploeg.name + " (gewijzigd)", "code": weegploeg.code,
            "politie": str(weegploeg.politie_id), "om": str(weegploeg.om_id),
            "_save": "Opslaan"}


def _beheer(model, bodies=lambda obj: []):
    def variants(w):
        objects = {
            "partner": [w.b.gemeente, w.b.politie, w.b.om],
            "weegploeg": [w.b],
            "user": _b_staff(w),
        }[model]
        return [Variant(f"B's {model} {obj}", {"object_id": obj.pk}, bodies(obj))
                for obj in objects]

    return variants


def _view_on_site(w):
    return [Variant(f"B's {obj._meta.model_name}",
                    {"content_type_id": ContentType.objects.get_for_model(obj).pk,
                     "object_id": obj.pk})
            for obj in (w.b.politie, w.b, w.staff[("b", "gemeente", Role.ADMIN)])]


B_IDS: dict[str, Callable] = {
    # -- the admin site: B's partners, weegploeg B, B's users --------------------------------
    "beheer/r/<path:content_type_id>/<path:object_id>/": _view_on_site,
    **{f"beheer/pga/{model}/<path:object_id>/{suffix}": _beheer(model, bodies)
       for model, change in (("partner", _partner_body), ("weegploeg", _weegploeg_body),
                             ("user", _user_body))
       for suffix, bodies in (("", lambda obj: []), ("history/", lambda obj: []),
                              ("change/", lambda obj, change=change: [change(obj)]),
                              ("delete/", lambda obj: [{"post": "yes"}]))},
    # -- signals -------------------------------------------------------------------------
    "signals:detail": lambda w: _signals(w),
    "signals:edit": lambda w: _signals(w, _signal_body()),
    "signals:identity": lambda w: _signals(w, _person_body(w)),
    "signals:attachment_add": lambda w: _signals(w, {"file": _upload}),
    "signals:attachment": lambda w: _two("pk", "attachment_pk", w.in_b.signal.pk,
                                         w.in_b.attachment.pk, w.signal.pk),
    "signals:contribute": lambda w: _signals(w, {
        "source": "Politieregistratie", "information_date": _days(-2),
        "content": "Melding van bedreiging.", "visibility": "weegploeg",
        "legal_ground": str(legal_ground().pk)}),
    "signals:withdraw": lambda w: _signals(w, {"reason": "Onterecht geregistreerd."}),
    # Pull B's dossier into A.
    "signals:transfer": lambda w: _signals(w, {"municipality": str(w.a.gemeente.pk),
                                               "reason": "Verhuisd."}),
    # -- criteria ------------------------------------------------------------------------
    "criteria:partner_assessment": lambda w: [
        Variant("B's open signal", {"signal_pk": w.in_b.signal.pk},
                [_assessment_body(w, joint=False)])],
    "criteria:joint_assessment": lambda w: [
        Variant("B's open signal", {"signal_pk": w.in_b.signal.pk},
                [_assessment_body(w, joint=True)])],
    "criteria:assessment": lambda w: [
        *_two("signal_pk", "pk", w.in_b.signal.pk, w.in_b.joint_assessment.pk, w.signal.pk),
        Variant("B's partner assessment", {"signal_pk": w.in_b.signal.pk,
                                           "pk": w.in_b.partner_assessment.pk})],
    # -- weegploeg -----------------------------------------------------------------------
    "weegploeg:session": lambda w: [Variant("B's session", {"pk": w.in_b.session.pk})],
    "weegploeg:session_action": lambda w: [
        Variant(f"B's session, {action}", {"pk": w.in_b.session.pk, "action": action},
                [{"signal": str(w.in_b.signal.pk)}] if action == "toevoegen"
                else [{"reason": "Vervroegd."}] if action == "openen"
                else [{"attendees": str(w.b_coordinator.pk)}] if action == "aanwezigheid" else [])
        for action in ("toevoegen", "publiceren", "openen", "aanwezigheid", "sluiten",
                       "exporteren")],
    "weegploeg:export": lambda w: _two("pk", "export_pk", w.in_b.session.pk,
                                       w.in_b.export.pk, w.session.pk),
    "weegploeg:export_status": lambda w: _two("pk", "export_pk", w.in_b.session.pk,
                                              w.in_b.export.pk, w.session.pk),
    "weegploeg:signal_readiness": lambda w: _signals(w),
    # B's follow-up, re-weighing, escalation and transfer forms (B's ids on A's page: the
    # form fuzzing, tests/security/test_form_fuzz.py).
    "weegploeg:after_decision": lambda w: _signals(w, *_after_decision_bodies(w)),
    "weegploeg:item_votes": lambda w: [
        Variant(label, {"pk": item.pk})
        for label, item in (("B's open item", w.in_b.open_item),
                            ("B's decided item", w.in_b.item))],
    "weegploeg:item": lambda w: [
        Variant(label, {"pk": item.pk}, [
            {"stem": "1", "outcome": "no_casusoverleg", "motivation": MOTIVATION},
            {"voorbereiden": "1", "joint_reasoning": "Samen besproken.",
             "invited_parties": "zorg_ggz", "referral": "geen"}])
        for label, item in (("B's open item", w.in_b.open_item),
                            ("B's decided item", w.in_b.item),
                            ("B's nadere-duiding item", w.in_b.more_info_item))],
    "weegploeg:item_action": lambda w: [
        Variant(f"B's open item, {action}", {"pk": w.in_b.open_item.pk, "action": action})
        for action in ("omhoog", "omlaag", "verwijderen")],
    "weegploeg:decision": lambda w: [
        Variant(label, {"pk": decision.pk}, [
            {"corrigeren": "1", "reasoning": "Gecorrigeerd.", "reason": "Typefout."},
            {"verzoek": "1", "question": "Is er contact met de wijkagent?",
             "assigned_partner": str(w.b.om.pk), "deadline": _days(14),
             "legal_ground": str(legal_ground().pk)}])
        for label, decision in (("B's casusoverleg decision", w.in_b.decision),
                                ("B's nadere-duiding decision", w.in_b.more_info_decision))],
    "weegploeg:handover": lambda w: [Variant("B's decision", {"pk": w.in_b.decision.pk})],
    "weegploeg:record": lambda w: [Variant("B's decision record", {"pk": w.in_b.record.pk})],
    "weegploeg:answer": lambda w: [Variant("B's information request",
                                           {"pk": w.in_b.info_request.pk}, [
        {"content": "Ja, sinds september.", "source": "Leerplicht",
         "information_date": _days(-1), "visibility": "weegploeg",
         "legal_ground": str(legal_ground().pk)}])],
    # -- referrals: B's referral, read, accepted and declined by A's meldpunt ----------------
    "referrals:submission": lambda w: [Variant("B's referral", {"pk": w.in_b.submission.pk}, [
        {"accepteren": "1", "accepteren-phenomenon": "other"},
        {"afwijzen": "1", "afwijzen-reason": "Geen aanwijzing voor radicalisering."}])],
    "referrals:attachment": lambda w: _two("pk", "attachment_pk", w.in_b.submission.pk,
                                           w.in_b.submission_attachment.pk, w.submission.pk),
    # -- retention -----------------------------------------------------------------------
    # A purge run is one job of the installation, not of a weegploeg: its page may show,
    # but nothing of B's results (SHARED).
    "retention:run": lambda w: [Variant("the run with B's tombstone",
                                        {"pk": w.b_purge_run.pk})],
    "retention:hold_end": lambda w: [Variant("B's legal hold", {"pk": w.in_b.hold.pk},
                                             [{"end_reason": "De procedure is afgerond."}])],
    "retention:notification": lambda w: [
        Variant("B's decision with its notification", {"pk": w.in_b.decision.pk}, [
            {"status": "postponed", "ground": "nationale_veiligheid",
             "recheck_on": _days(90)}])],
    "rights:subject_person": lambda w: [Variant("B's person", {"pk": w.in_b.signal.person_id}, [
        {"kind": "rectificatie", "case_number": "REC-2026-1", "received_on": _days(-1),
         "request_text": "Adres is onjuist."}])],
    "rights:subject_export": lambda w: [
        Variant("B's person", {"pk": w.in_b.signal.person_id},
                [{"export_format": fmt, "melder": "on"} for fmt in ("json", "pdf")])],
    "rights:subject_export_status": lambda w: [
        Variant(label, {"pk": person, "export_pk": w.in_b.subject_export.pk})
        for label, person in (("B's export", w.in_b.signal.person_id),
                              ("A's person, B's export", w.signal.person_id))],
    "rights:subject_export_download": lambda w: [
        Variant(label, {"pk": person, "export_pk": w.in_b.subject_export.pk})
        for label, person in (("B's export", w.in_b.signal.person_id),
                              ("A's person, B's export", w.signal.person_id))],
    "rights:subject_request": lambda w: [
        Variant(label, {"pk": person, "request_pk": w.in_b.subject_request.pk}, [
            {f"verzoek-{w.in_b.subject_request.pk}-status": "toegewezen",
             f"verzoek-{w.in_b.subject_request.pk}-handling": "Inzage verstrekt."}])
        for label, person in (("B's objects", w.in_b.signal.person_id),
                              ("A's person, B's request", w.signal.person_id))],
}

# URLs whose id names no object of a weegploeg: installation-wide objects, each with its
# reason. They are not swept with B's ids (there are none).
NATIONAL = {
    # The referentiekader is one for the whole country (published, versioned).
    "criteria:framework_version": "het referentiekader is landelijk en openbaar",
    "criteria:edit_draft": "het referentiekader is landelijk",
    "criteria:publish": "het referentiekader is landelijk",
    # Retention rules are the installation's, set to the law and the model covenant.
    "retention:rule": "de bewaartermijnen gelden voor de hele installatie",
    # The legal grounds for exchanges (rule 13) are one list for the installation.
    **{f"beheer/pga/legalground/<path:object_id>/{suffix}":
       "de grondslagen gelden voor de hele installatie"
       for suffix in ("", "history/", "change/", "delete/")},
}
# URLs whose object is the installation's, shown to a user of any weegploeg: a 200 is right,
# as long as the page names nothing of B.
SHARED = {"retention:run"}


def _allowed_redirect(w, key, kwargs, location):
    """Redirects that are no answer about B's object: to the one login, to the admin index
    (Django's admin answers an object outside its queryset so), to the person search (no
    purpose stated), or the admin's redirect from an object's bare URL to its change page,
    which looks nothing up."""
    path = location.split("?")[0]
    if path.startswith(LOGIN_PATH) or path in ("/beheer/", reverse("rights:subject_search")):
        return True
    return (key.startswith("beheer/pga/") and key.endswith("<path:object_id>/")
            and path == "/" + key.replace("<path:object_id>", str(kwargs["object_id"]))
            + "change/")


# -- the checksum of every table --------------------------------------------------------------


def _checksum_sql():
    tables = sorted(set(connection.introspection.table_names()) - UNCHECKED_TABLES)
    # Table names from the database's own catalogue, not from input.
    parts = [f"(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
             f'FROM "{table}" t)' for table in tables]
    return tables, "SELECT " + ", ".join(parts)


def checksums(sql):
    tables, query = sql
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(zip(tables, cursor.fetchone(), strict=True))


# -- B's data, to recognise it in a page -----------------------------------------------------


def b_markers(w):
    """Strings that only B's data contain: references, persons' names, staff, partners, the
    weegploeg's name, the texts of its hold, request, notification and tombstone."""
    signals = Signal.objects.filter(weegploeg=w.b)
    markers = set(signals.values_list("reference", flat=True))
    markers |= set(Person.objects.filter(weegploeg=w.b).values_list("surname", flat=True))
    markers |= {user.email for key, user in w.staff.items() if key[0] == "b"}
    markers |= {w.b.name, *(p.name for p in (w.b.gemeente, w.b.politie, w.b.om))}
    markers |= {w.in_b.hold.reason, w.in_b.subject_request.case_number,
                w.b_notification.notified_by, w.b_tombstone.reference}
    return {marker for marker in markers if marker}


def shown(markers, body: str):
    return sorted(m for m in markers if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", body))


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# -- the sweep --------------------------------------------------------------------------------

A_STAFF = [(kind, role) for kind in KINDS for role in ROLES]
SWEPT: list[str] = []
GETS: list[str] = []
POSTS: list[str] = []
LEAKS: list[str] = []
FIGURES["cross-weegploeg sweep: URL patterns with ids"] = [_key(n, r) for n, r, _p in ID_PATTERNS]
FIGURES["cross-weegploeg sweep: URL patterns swept with another weegploeg's ids"] = SWEPT
FIGURES["cross-weegploeg sweep: GET requests"] = GETS
FIGURES["cross-weegploeg sweep: POST requests"] = POSTS
FIGURES["cross-weegploeg sweep: leaks found"] = LEAKS


def _requests(variant):
    """(method, body) of one variant: a GET, an empty POST, the page's forms."""
    yield "get", None
    yield "post", {}
    for body in variant.bodies:
        yield "post", {k: v() if callable(v) else v for k, v in body.items()}


def _verdict(w, key, variant, user, response, body, markers):
    """What is wrong with this answer (None when nothing is)."""
    status = response.status_code
    if user is None:
        chain = response.redirect_chain
        if chain and chain[-1][0].startswith(LOGIN_PATH):
            return None
        return f"{status} in plaats van de loginpagina"
    if status in (403, 404, 405):
        return None
    if status in (301, 302):
        location = response["Location"]
        if _allowed_redirect(w, key, variant.kwargs, location):
            return None
        return f"{status} naar {location} (een geslaagde handeling?)"
    found = shown(markers, body)
    if status == 200 and key in SHARED and not found:
        return None
    return f"{status}" + (f", toont {', '.join(found)}" if found else "")


# The URLs whose ids name no weegploeg's object (NATIONAL, each with its reason) are not
# swept; test_every_url_with_an_id_has_another_weegploegs_ids_or_a_reason keeps it honest.
SWEPT_PATTERNS = [(n, r) for n, r, _p in ID_PATTERNS if _key(n, r) not in NATIONAL]


@pytest.mark.parametrize(("name", "route"), SWEPT_PATTERNS,
                         ids=[_key(n, r) for n, r in SWEPT_PATTERNS])
def test_another_weegploegs_ids_give_nothing_to_any_role(name, route, world, as_user,
                                                         rolled_back):
    key = _key(name, route)
    if key not in B_IDS:
        pytest.fail(f"{key}: geef in B_IDS de objecten van weegploeg B voor deze URL (of zet "
                    f"hem met een reden in NATIONAL).")
    SWEPT.append(key)
    sql, markers = _checksum_sql(), b_markers(world)
    variants = B_IDS[key](world)
    wrong, server_errors = [], []
    for seat in [None, *A_STAFF]:
        user = None if seat is None else world.staff[("a", *seat)]
        who = "anoniem" if seat is None else f"{seat[1]} ({seat[0]} A)"
        with rolled_back():
            client = as_user(user)
            if user is not None:
                session = client.session
                session[SUBJECT_SESSION_KEY] = STATED
                session.save()
            before = checksums(sql)
            for variant in variants:
                path = (_path(route, variant.kwargs) if name.startswith("beheer:")
                        else reverse(name, kwargs=variant.kwargs))
                for method, data in _requests(variant):
                    (GETS if method == "get" else POSTS).append(path)
                    what = f"{method.upper()} {path} [{variant.label}] als {who}" + (
                        f" met {sorted(data)[:3]}…" if data else "")
                    with rolled_back():
                        try:
                            response = getattr(client, method)(
                                path, data, follow=user is None)
                            body = _body(response)
                        except Exception as error:  # noqa: BLE001 - reported with its case
                            wrong.append(f"{what}: 500 ({error!r})")
                            server_errors.append("".join(traceback.format_exception(error)))
                            continue
                        verdict = _verdict(world, key, variant, user, response, body, markers)
                        after = checksums(sql)
                    changed = sorted(t for t in before if before[t] != after[t])
                    if changed:
                        verdict = (verdict + "; " if verdict else "") + \
                            f"wijzigde {', '.join(changed)}"
                    if verdict:
                        wrong.append(f"{what}: {verdict}")
    LEAKS.extend(wrong)
    assert not wrong, f"{key}: {len(wrong)} lek(ken)\n  " + "\n  ".join(
        wrong + server_errors[:1])


def test_every_url_with_an_id_has_another_weegploegs_ids_or_a_reason():
    """A new URL with an id fails here until B_IDS or NATIONAL says what to try on it."""
    keys = [_key(n, r) for n, r, _p in ID_PATTERNS]
    missing = [key for key in keys if key not in B_IDS and key not in NATIONAL]
    assert not missing, "URL's met een id zonder objecten van weegploeg B:\n" + "\n".join(missing)
    assert not set(B_IDS) & set(NATIONAL)
    stale = (set(B_IDS) | set(NATIONAL)) - set(keys)
    assert not stale, f"regels zonder URL: {sorted(stale)}"
    assert len(keys) >= 40


def test_the_sweep_sees_a_page_of_b_and_a_change_of_any_table(world, as_user, rolled_back):
    """The sweep is not blind: B's own coordinator gets B's dossier with B's data in it, and
    B's withdrawal of its signal changes the checksum."""
    sql, markers = _checksum_sql(), b_markers(world)
    client = as_user(world.staff[("b", "gemeente", Role.COORDINATOR)])
    response = client.get(reverse("signals:detail", kwargs={"pk": world.in_b.signal.pk}))
    assert response.status_code == 200
    assert world.in_b.signal.reference in shown(markers, _body(response))
    with rolled_back():
        before = checksums(sql)
        response = client.post(reverse("signals:withdraw", kwargs={"pk": world.in_b.signal.pk}),
                               {"reason": "Onterecht geregistreerd."})
        assert response.status_code == 302
        changed = {t for t, value in checksums(sql).items() if before[t] != value}
    assert "signals_signal" in changed


# -- the rules of issue 14, one by one -------------------------------------------------------


def _admin(world, kind="gemeente"):
    return world.staff[("a", kind, Role.ADMIN)]


def test_admin_cannot_create_an_account_at_a_partner_of_another_weegploeg(world, as_user):
    """Functioneel beheer is per partner (docs/design.md §4.2): A's gemeente's beheerder makes
    accounts for the gemeente only, and never a beheerder (that is the installation
    administrator's)."""
    client = as_user(_admin(world))
    response = client.post(reverse("beheer:pga_user_add"), {
        "email": "indringer@example.nl", "full_name": "Indringer",
        "partner": str(world.b.politie.pk), "roles": "admin", "is_active": "on",
        "password1": TEST_PASSWORD, "password2": TEST_PASSWORD, "_save": "Opslaan",
    })
    assert response.status_code in (200, 403)
    assert not User.objects.filter(email="indringer@example.nl").exists()


def test_admin_user_form_offers_only_the_own_partner_and_no_admin_role(world, as_user):
    response = as_user(_admin(world)).get(reverse("beheer:pga_user_add"))
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    if "partner" in fields:
        assert list(fields["partner"].queryset) == [world.a.gemeente]
    assert Role.ADMIN not in [value for value, _label in fields["roles"].choices]


def test_admin_cannot_make_a_beheerder_at_the_own_partner_either(world, as_user):
    client = as_user(_admin(world))
    client.post(reverse("beheer:pga_user_add"), {
        "email": "tweede.beheerder@example.nl", "full_name": "Tweede beheerder",
        "partner": str(world.a.gemeente.pk), "roles": "admin", "is_active": "on",
        "password1": TEST_PASSWORD, "password2": TEST_PASSWORD, "_save": "Opslaan",
    })
    user = User.objects.filter(email="tweede.beheerder@example.nl").first()
    assert user is None or not user.groups.filter(role_group__role=Role.ADMIN).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_admin_gets_404_for_a_user_of_another_partner(kind, world, as_user):
    """Viewing or changing a user of another weegploeg's partner: 404, and nothing changes."""
    b_user = world.staff[("b", kind, Role.MEMBER)]
    client = as_user(_admin(world))
    url = reverse("beheer:pga_user_change", args=[b_user.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {**_user_body(b_user), "partner": str(world.a.gemeente.pk)})
    assert response.status_code == 404
    b_user.refresh_from_db()
    assert b_user.partner_id == getattr(world.b, kind).pk
    assert b_user.check_password(TEST_PASSWORD)


def test_admin_gets_404_for_a_user_of_another_partner_in_the_same_weegploeg(world, as_user):
    """Per partner, not per weegploeg: A's politie's users are not the gemeente's to manage."""
    politie_user = world.staff[("a", "politie", Role.MEMBER)]
    response = as_user(_admin(world)).get(
        reverse("beheer:pga_user_change", args=[politie_user.pk]))
    assert response.status_code == 404


def test_admin_user_list_shows_only_the_own_partners_users(world, as_user):
    response = as_user(_admin(world)).get(reverse("beheer:pga_user_changelist"))
    assert response.status_code == 200
    listed = set(response.context["cl"].result_list)
    assert listed, "de eigen gebruikers staan in de lijst"
    assert {user.partner_id for user in listed} == {world.a.gemeente.pk}


@pytest.mark.parametrize("url", [
    "beheer:pga_partner_changelist", "beheer:pga_partner_add", "beheer:pga_weegploeg_changelist",
    "beheer:pga_weegploeg_add", "own partner", "own weegploeg",
])
def test_partners_and_weegploegen_are_for_the_installation_administrator(url, world, as_user):
    """A partner's beheerder cannot reach the admin of partners and weegploegen at all (403):
    those belong to the installation administrator (Django superuser)."""
    if url == "own partner":
        url = reverse("beheer:pga_partner_change", args=[world.a.gemeente.pk])
    elif url == "own weegploeg":
        url = reverse("beheer:pga_weegploeg_change", args=[world.a.pk])
    else:
        url = reverse(url)
    client = as_user(_admin(world))
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


# -- the FG's audit log: their own scope only ------------------------------------------------


def _b_objects(world):
    """(content type model, object number) of everything of weegploeg B and its partners."""
    b = world.b
    b_partners = [b.gemeente.pk, b.politie.pk, b.om.pk]
    querysets = [
        Signal.objects.filter(weegploeg=b), Person.objects.filter(weegploeg=b),
        Attachment.objects.filter(signal__weegploeg=b),
        Contribution.objects.filter(signal__weegploeg=b),
        Assessment.objects.filter(signal__weegploeg=b),
        Session.objects.filter(weegploeg=b), AgendaItem.objects.filter(session__weegploeg=b),
        Vote.objects.filter(item__session__weegploeg=b),
        Decision.objects.filter(item__session__weegploeg=b),
        DecisionRecord.objects.filter(decision__item__session__weegploeg=b),
        InformationRequest.objects.filter(signal__weegploeg=b),
        SessionExport.objects.filter(session__weegploeg=b),
        LegalHold.objects.filter(signal__weegploeg=b),
        SubjectRequest.objects.filter(person__weegploeg=b),
        Notification.objects.filter(decision__item__session__weegploeg=b),
        DeletedSignal.objects.filter(weegploeg=b),
        User.objects.filter(partner__in=b_partners), Partner.objects.filter(pk__in=b_partners),
        Weegploeg.objects.filter(pk=b.pk),
    ]
    return {(qs.model._meta.model_name, str(pk))
            for qs in querysets for pk in qs.values_list("pk", flat=True)}


def _b_rows(world, rows):
    """The rows (content type model, object number, actor e-mail, partner name) that are
    B's: about B's objects, or by B's staff, or on behalf of B's partners."""
    objects = _b_objects(world)
    emails = {user.email for key, user in world.staff.items() if key[0] == "b"}
    partners = {world.b.gemeente.name, world.b.politie.name, world.b.om.name}
    return [row for row in rows
            if (row[0], row[1]) in objects or row[2] in emails or row[3] in partners]


def _page_rows(response):
    return [(entry.content_type.model, entry.object_pk, entry.actor_email or "",
             entry.partner.name if entry.partner else "")
            for entry in response.context["page"].object_list]


def _csv_rows(response):
    rows = list(csv.reader(io.StringIO(_body(response))))[1:]
    return [(row[4], row[5], row[1], row[2]) for row in rows]


def _b_filters(world):
    """Filters of the audit screen naming B's objects, staff, partners and person."""
    ct = ContentType.objects.get_for_model
    b = world.in_b
    filters = [
        {"content_type": ct(Signal).pk, "object_pk": b.signal.pk},
        {"object_pk": b.signal.pk},
        {"object_pk": b.signal.reference},
        {"content_type": ct(Person).pk, "object_pk": b.signal.person_id},
        {"person": b.signal.person_id},
        {"content_type": ct(LegalHold).pk, "object_pk": b.hold.pk},
        {"content_type": ct(Decision).pk, "object_pk": b.decision.pk},
        {"content_type": ct(Session).pk, "object_pk": b.session.pk},
        {"actor": world.staff[("b", "gemeente", Role.MELDPUNT)].pk},
        {"partner": world.b.politie.pk},
        {"content_type": ct(User).pk, "object_pk": world.staff[("b", "om", Role.MEMBER)].pk},
    ]
    return [{k: str(v) for k, v in f.items()} for f in filters]


def _fg(world):
    return world.staff[("a", "gemeente", Role.AUDITOR)]


def test_the_audit_log_of_weegploeg_b_exists(world):
    """The checks below are not blind: B's processing is in the log."""
    rows = [(e.content_type.model, e.object_pk, e.actor_email or "",
             e.partner.name if e.partner else "")
            for e in AuditEntry.objects.select_related("content_type", "partner")]
    assert len(_b_rows(world, rows)) > 50


@pytest.mark.parametrize("export", [False, True], ids=["screen", "csv"])
def test_fg_sees_no_entry_of_another_weegploeg_without_filters(export, world, as_user):
    """docs/design.md §4.2: the FG sees the audit entries of their own partner's staff and of their
    own weegploegen's objects, not the national log."""
    response = as_user(_fg(world)).get(reverse("audit:export" if export else "audit:log"))
    assert response.status_code == 200
    rows = _csv_rows(response) if export else _page_rows(response)
    assert rows, "de eigen regels staan erin"
    assert not _b_rows(world, rows)


@pytest.mark.parametrize("export", [False, True], ids=["screen", "csv"])
def test_fg_filtering_on_another_weegploegs_ids_finds_nothing_of_it(export, world, as_user):
    client = as_user(_fg(world))
    found = {}
    for query in _b_filters(world):
        response = client.get(reverse("audit:export" if export else "audit:log"), query)
        if response.status_code != 200:
            continue  # a filter the form refuses: nothing shown
        rows = _b_rows(world, _csv_rows(response) if export else _page_rows(response))
        if rows:
            found[str(query)] = len(rows)
    assert not found, f"regels van weegploeg B per filter: {found}"


# -- the person index and the retention screens ----------------------------------------------


def test_registering_a_known_bsn_of_another_weegploeg_shows_nothing_of_that_person(
    world, as_user
):
    """Rule 9: a person registered in A with the BSN of a person of B gets a record of A;
    the registrar sees nothing of B's person and changes nothing of it."""
    b_person = Person.objects.get(pk=world.in_b.signal.person_id)
    Person.objects.filter(pk=b_person.pk).update(bsn="111222333")
    b_person.refresh_from_db()
    before = {f.name: getattr(b_person, f.name) for f in Person._meta.fields}
    client = as_user(world.staff[("a", "gemeente", Role.MELDPUNT)])
    response = client.post(reverse("signals:register"), {
        "signaal-received_on": _days(-3), "signaal-behaviour_from": _days(-10),
        "signaal-source_category": "burger", "signaal-phenomenon": "jihadisme",
        "signaal-description": "Deelde in de klas propaganda.",
        **{f"betrokkene-{k}": v for k, v in person_fields(
            first_names="Anna", surname="Visser", bsn="111222333",
            municipality=world.a.gemeente.pk).items() if v is not None},
    }, follow=True)
    assert response.status_code == 200
    pages = [_body(response), _body(client.get(reverse("signals:mine")))]
    signal = Signal.objects.filter(weegploeg=world.a, person__bsn="111222333").get()
    pages.append(_body(client.get(reverse("signals:detail", kwargs={"pk": signal.pk}))))
    markers = b_markers(world) | {b_person.surname, b_person.first_names}
    assert not [shown(markers, page) for page in pages if shown(markers, page)]
    assert signal.person_id != b_person.pk and signal.person.weegploeg_id == world.a.pk
    b_person.refresh_from_db()
    assert {f.name: getattr(b_person, f.name) for f in Person._meta.fields} == before


def test_admin_cannot_end_a_legal_hold_of_another_weegploeg(world, as_user):
    client = as_user(_admin(world))
    url = reverse("retention:hold_end", kwargs={"pk": world.in_b.hold.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"end_reason": "De procedure is afgerond."}).status_code == 404
    assert LegalHold.objects.get(pk=world.in_b.hold.pk).ended_at is None


def test_admin_cannot_place_a_hold_on_a_signal_or_person_of_another_weegploeg(world, as_user):
    """The hold form takes its object from a reference or a person number, not from the
    URL's path: another weegploeg's are answered as if they did not exist."""
    client = as_user(_admin(world))
    session = client.session
    session[SUBJECT_SESSION_KEY] = STATED
    session.save()
    holds = LegalHold.objects.count()
    url = reverse("retention:hold_create")
    until = _days(30)
    response = client.post(url, {"reference": world.in_b.signal.reference,
                                 "reason": "Procedure bij de rechter.", "until": until})
    assert response.status_code == 200
    assert "Er is geen signaal met dit referentienummer." in _body(response)
    by_person = f"{url}?betrokkene={world.in_b.signal.person_id}"
    assert client.get(by_person).status_code == 404
    assert client.post(by_person, {"reason": "Procedure.", "until": until}).status_code == 404
    assert LegalHold.objects.count() == holds
