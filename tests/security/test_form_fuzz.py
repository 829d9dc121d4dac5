"""Hypothesis fuzzing of every form (issue 7): random Unicode, very long strings, missing and
duplicated fields, wrong types, and forged ids of other partners' and weegploegen's objects,
submitted through the real views by a user who may use the form.

For every submission: never a 500; a refused submission (a 200 re-render, or any GET) writes
no rows at all (row counts of every domain table and of the non-read audit entries are
compared); and whatever was accepted keeps the cross-object invariants (no agenda item for
another weegploeg's signal, no judgement with another criterion's scale value, …). Each
submission runs in a savepoint that is rolled back, so the examples are independent.

Known edge cases (names at their max_length, characters that grow when normalised, dates at
the ends of the calendar, another weegploeg's ids) are always tried, as hypothesis @example.
A form class that no target fuzzes fails `test_every_form_is_fuzzed`: a new form forces a
new target.

Boundary values (issue 16) are tried on every form as well: every field over-long at once
(past the largest maximum of any free text, and far past it), every date field at 0001-01-01
and at 9999-12-31, every field an integer beyond 64 bits, in fullwidth or Arabic-Indic
digits, or with control characters. And every query parameter of every GET view: the views
are taken from the URLconf (with the permission matrix's objects and a user that may see
the page), the parameters each reads are recorded while it answers a first request, and
then fuzzed — a new view or a new parameter is fuzzed without being listed here.

The public meldpunt form (issue 21) is sent anonymously and answers a stored referral with
its receipt page (200), not a redirect: only that page counts as accepted, a 200 with the
form again is a refusal. Its refusals, and those of the intake's forms, must show the errors
in Dutch and what was typed. Its rate limits are on, counted in a cache of the test's own
that is emptied before each example, so no example is refused for the ones before it.
"""

import dataclasses
import datetime
import importlib
import inspect
import re
import threading
import traceback
from collections import Counter
from collections.abc import Callable

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.widgets import Input
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from criteria.forms import FrameworkDraftForm
from criteria.models import ScaleValue
from pga.admin import beheer_site
from pga.models import AuditEntry, Role
from referrals.models import (
    DECLINE_REASON_MAX_LENGTH,
    FEEDBACK_TEXT_MAX_LENGTH,
    MAX_ATTACHMENTS,
    OBSERVATION_MAX_LENGTH,
)
from retention.views import SUBJECT_SESSION_KEY
from signals.models import Phenomenon, ProfessionalSector
from tests.criteria.factories import form_data
from tests.factories import legal_ground
from tests.referrals.factories import referral_data
from tests.security.conftest import FIGURES, INSTALLATION, World
from tests.security.test_permission_matrix import (
    OK,
    PATTERNS,
    POST_DATA,
    STATED_PURPOSE,
    expected_for,
    url_path,
)
from tests.weegploeg.factories import vote
from weegploeg.models import CaseParty, ConsultationResult, Outcome, Referral

# -- value strategies ------------------------------------------------------------------------

CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
TEXT = st.text(CHARS, max_size=40)
# Around the usual max_length of 100–300: long enough to overflow a derived value.
MEDIUM = st.text(CHARS, min_size=90, max_size=320)
LONG = st.builds(
    lambda piece, size: (piece * (size // len(piece) + 1))[:size],
    st.text(CHARS, min_size=1, max_size=8),
    st.integers(1_000, 20_000),
)
# Text that changes length when upper-cased, case-folded or normalised, direction marks,
# markup and format strings.
NASTY = st.sampled_from([
    "ßßßßßßß", "ﬃﬃﬃﬃﬃﬃﬃ", "ﷺ" * 30, "ﷺ" * 200, "İ" * 200, "ǅ" * 120, "\u0301" * 60,
    "\u202ereversed\u202c", "\u200b" * 10, "👩‍👩‍👧‍👦" * 40, "\r\n" * 20, " " * 300, "\t",
    "<script>alert(1)</script>", "'; DROP TABLE signals_signal; --", "%s%s%n", "{{ 7*7 }}",
    "../../etc/passwd", "\\", "NULL", "None", "Ⅻ", "١٢٣", "ᅟ",
])
# Past the maxima of the free texts (the largest is 10 000 characters), and far past them.
OVER_LONG = ("x" * 10_001, "ab\n" * 33_334)
# Control characters: bell, escape sequence, NUL, delete, C1 next-line, line separator, a
# direction override.
CONTROL = ("a\x07b", "\x1b[31mrood\x1b[0m", "a\x00b", "\x7f", "Jan\u0085", "a\u2028b",
           "\u202eJan")
# Beyond 64 bits, in digits other than ASCII.
BEYOND_64_BITS = ("9223372036854775808", "-9223372036854775809", "99999999999999999999",
                  "1" + "0" * 400)
OTHER_DIGITS = ("１２３", "١٢٣", "۱۲۳", "१२३")
BOUNDARY = st.sampled_from([*OVER_LONG, *CONTROL, *BEYOND_64_BITS, *OTHER_DIGITS])
WORDS = st.one_of(TEXT, TEXT, MEDIUM, LONG, NASTY, BOUNDARY)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "-1", "1.5", "1e309", "NaN", "inf", "0x10", "２", "٣", " 7 ", "",
                     *BEYOND_64_BITS, *OTHER_DIGITS]),
)
DATES = st.one_of(
    st.dates().map(str),
    st.sampled_from([
        "2026-10-01", "2026-02-30", "2026-13-01", "0001-01-01", "1900-01-01", "9999-12-31",
        "10000-01-01", "01-10-2026", "2026/10/01", "２０２６-１０-０１", "today", "",
    ]),
)
DATETIMES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
    st.sampled_from([
        "2030-01-15T14:00", "2030-01-15 14:00", "0001-01-01T00:00", "0001-01-01T00:30",
        "9999-12-31T23:59", "2030-02-30T10:00", "2030-01-15T25:00", "1970-01-01T00:00",
    ]),
)
BSNS = st.one_of(
    st.sampled_from([
        "111222333", "123456782", "999999990", "111 222 333", "１１１２２２３３３",
        "١١١٢٢٢٣٣٣", "111222334", "000000000", "12345678", "1234567890",
    ]),
    st.text("0123456789", min_size=9, max_size=9),
)
JUNK = st.one_of(WORDS, NUMBERS, DATES)


def choice(*values):
    return st.sampled_from([str(v) for v in values])


def ids(*objects):
    """Ids of the world's objects (own and forged) and of nothing at all."""
    return st.one_of(st.sampled_from([str(o.pk) for o in objects]), NUMBERS)


FILE_NAMES = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters='"\\/'),
    min_size=1, max_size=300,
)
FILE_CONTENT = st.one_of(
    st.binary(max_size=2_000),
    st.sampled_from([
        b"Gespreksverslag van 12 oktober.\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"MZ\x90\x00", b"#!/bin/sh\nrm -rf /\n", b"",
    ]),
)
UPLOADS = st.builds(
    lambda name, content: SimpleUploadedFile(name, content), FILE_NAMES, FILE_CONTENT
)


@st.composite
def submissions(draw, valid: dict, fields: dict, fixed: dict):
    """Form data. Mostly a valid submission with up to three fields changed — left out,
    given a value from the field's own strategy (forged ids, nasty text) or junk, or given
    twice — so the fuzzing reaches past the first validation error; one in five is random
    in every field."""
    names = sorted(set(valid) | set(fields))

    def value(name):
        return st.one_of(fields.get(name, JUNK), fields.get(name, JUNK), JUNK)

    if draw(st.integers(0, 4), label="random in every field") == 4:
        data = {}
        for name in names:
            mode = draw(st.sampled_from(("missing", "once", "once", "twice")))
            if mode != "missing":
                data[name] = (draw(value(name)) if mode == "once"
                              else [draw(value(name)), draw(value(name))])
    else:
        data = baseline(valid, {})
        for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
            mode = draw(st.sampled_from(("missing", "once", "once", "twice")))
            if mode == "missing":
                data.pop(name, None)
            elif mode == "once":
                data[name] = draw(value(name))
            else:
                data[name] = [draw(value(name)), draw(value(name))]
    data.update(fixed)
    return data


def baseline(valid: dict, fixed: dict) -> dict:
    """The valid submission as it is (a callable value, such as a file, made fresh)."""
    return {name: given() if callable(given) else given
            for name, given in {**valid, **fixed}.items()}


# -- targets ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Target:
    """One form: who submits it (role, scope; None: anonymous), where to (URLs of objects
    the user may act on, and forged ones of another weegploeg that must answer 404), a valid
    submission, the fields' own strategies and the fixed values (the submit button)."""

    name: str
    forms: tuple[str, ...]
    actor: tuple[str, str] | None
    urls: Callable[[World], list[str]]
    valid: Callable[[World], dict]
    fields: Callable[[World], dict]
    fixed: dict = dataclasses.field(default_factory=dict)
    forged_urls: Callable[[World], list[str]] = lambda world: []
    # Edge cases always tried (as hypothesis @example): changes to the valid submission
    # (None leaves a field out), optionally at another URL: (changes, url or None).
    edges: Callable[[World], list] = lambda world: []
    method: str = "post"
    examples: int = 20
    # What the session holds before the form is used (the purpose stated at a person
    # search, for the person's page).
    session: dict = dataclasses.field(default_factory=dict)
    # The answer to the valid submission: a redirect, or the page for a search.
    accepted: int | None = None
    # A form that answers a stored submission with a page of its own (200) rather than a
    # redirect: that page's template. A 200 with any other template is the form again,
    # refused; only the page rendered from this template counts as accepted.
    accepted_template: str | None = None
    # The view counts stored submissions against rate limits (django-ratelimit): fuzzed
    # with the limits on, against a cache of the test's own that is emptied before each
    # example, so that whether an example is refused does not depend on the ones before.
    rate_limited: bool = False
    # A refused submission shows the form again (200): with errors, in Dutch, and with what
    # was typed in its text fields (checked on every 200 that is not the accepted page).
    shows_refusal: bool = False

    def __post_init__(self):
        if self.accepted is None:
            self.accepted = 200 if self.method == "get" else 302


def _url(name, **kwargs):
    return reverse(name, kwargs=kwargs)


def _days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def person_fields(w, p):
    return {
        f"{p}label": WORDS, f"{p}first_names": WORDS, f"{p}surname_prefix": WORDS,
        f"{p}surname": WORDS, f"{p}date_of_birth": DATES, f"{p}bsn": BSNS,
        f"{p}address": WORDS, f"{p}postcode": st.one_of(WORDS, choice("1234 AB", "1234ab")),
        # A gemeente of another weegploeg, and the politie (not a gemeente).
        f"{p}municipality": ids(w.a.gemeente, w.b.gemeente, w.a.politie),
    }


def valid_person(w, p, first="Anna", surname="Visser"):
    return {f"{p}first_names": first, f"{p}surname": surname,
            f"{p}date_of_birth": "1990-05-01", f"{p}municipality": str(w.a.gemeente.pk)}


def signal_fields(w, p):
    return {
        f"{p}received_on": DATES, f"{p}behaviour_from": DATES, f"{p}behaviour_to": DATES,
        f"{p}source_category": choice("professional", "burger", "om", "other", "anders"),
        f"{p}source_sector": choice("onderwijs", "zorg_ggz", "other", "geheim"),
        f"{p}reporter_name": WORDS, f"{p}reporter_organisation": WORDS,
        f"{p}reporter_contact": WORDS, f"{p}description": WORDS,
        f"{p}phenomenon": choice("jihadisme", "rechts_extremisme", "other", "x"),
    }


def valid_signal(p):
    return {f"{p}received_on": _days(-3), f"{p}behaviour_from": _days(-10),
            f"{p}source_category": "burger", f"{p}phenomenon": "jihadisme",
            f"{p}description": "Deelde in de klas propaganda en sprak over geweld."}


def assessment_fields(w, joint):
    fields = {"framework_version": st.one_of(choice(w.published.version, w.draft.version),
                                             NUMBERS),
              "conclusion": WORDS}
    values = list(ScaleValue.objects.filter(
        criterion__framework__in=[w.published, w.draft]
    ).values_list("pk", "criterion__number", "criterion__framework_id"))
    for n in range(1, 6):
        own = [str(pk) for pk, number, fw in values if number == n and fw == w.published.pk]
        # Another criterion's values, and the same criterion's values in the draft version.
        forged = [str(pk) for pk, number, fw in values if number != n or fw != w.published.pk]
        fields[f"c{n}-scale_value"] = st.one_of(st.sampled_from(own), st.sampled_from(forged))
        fields[f"c{n}-substantiation"] = WORDS
        fields[f"c{n}-source"] = WORDS
        if joint:
            fields[f"c{n}-source_partner"] = ids(w.a.politie, w.b.politie, w.b.gemeente)
    for n in range(1, 11):
        fields[f"i{n}-observed_facts"] = WORDS
        fields[f"i{n}-protective_factors"] = WORDS
    if not joint:
        fields["visibility"] = choice("weegploeg", "own_partner", "everyone")
    return fields


def valid_assessment(w, joint):
    data = {k: str(v) for k, v in form_data(framework=w.published).items()}
    if joint:
        data["conclusion"] = "Zorgen over geweldsbereidheid; bespreken in casusoverleg."
        data.update({f"c{n}-source_partner": str(w.a.politie.pk) for n in range(1, 6)})
    return data


def draft_fields(w):
    fields = {"notes": WORDS}
    for n in range(1, 7):
        for part in ("title", "description", "guidance_questions", "unknown"):
            fields[f"c{n}-{part}"] = WORDS
        for index in range(1, 8):
            fields[f"c{n}-scale-{index}"] = WORDS
    for n in range(1, 12):
        fields[f"i{n}-title"] = WORDS
        fields[f"i{n}-description"] = WORDS
    return fields


def valid_draft(w):
    """The draft as it stands: what the edit page shows."""
    form = FrameworkDraftForm(framework=w.draft)
    return {name: str(form[name].value() or "") for name in form.fields}


def upload_ok():
    return SimpleUploadedFile("verslag.txt", b"Gespreksverslag mentor.\n")


def PERSON_EDGES(p, w):  # noqa: N802 - a table of edge cases, shared by two forms
    return [
        # Each name at its max_length: the normalised name (420) is shorter than their sum.
        ({f"{p}first_names": "a" * 200, f"{p}surname_prefix": "b" * 20,
          f"{p}surname": "c" * 200}, None),
        # One character that NFKD-normalises to eighteen.
        ({f"{p}first_names": "\ufdfa" * 30}, None),
        ({f"{p}postcode": "ßßßßßßß"}, None),  # upper-cases to fourteen characters
        ({f"{p}bsn": "１１１２２２３３３"}, None),  # fullwidth digits pass str.isdigit()
        ({f"{p}bsn": "111222334"}, None),  # fails the eleven-check
        ({f"{p}date_of_birth": "0001-01-01"}, None),
        ({f"{p}municipality": str(w.a.politie.pk)}, None),  # not a gemeente
        ({f"{p}surname": None}, None),  # first names without a surname
    ]


def _value(framework, number):
    return ScaleValue.objects.filter(
        criterion__framework=framework, criterion__number=number, is_unknown=False
    ).values_list("pk", flat=True).first()


OWN, SAME = "own", "same"
ADMIN_SAVE = {"_save": "Opslaan"}
MOTIVATION = "Feiten uit school en politie wijzen op toenemende geweldsbereidheid."
PASSWORD = "Een-lang-testwachtwoord-42"

TARGETS = [
    Target(
        "register", ("RegistrationForm", "PersonForm", "SignalForm"), (Role.MELDPUNT, OWN),
        lambda w: [_url("signals:register")],
        lambda w: {**valid_signal("signaal-"), **valid_person(w, "betrokkene-")},
        lambda w: {
            **signal_fields(w, "signaal-"), **person_fields(w, "betrokkene-"),
            "signaal-acute_danger": choice("on", "true", "false", ""),
            "signaal-weegploeg": ids(w.a, w.b),
            "signaal-attachments": UPLOADS,
        },
        edges=lambda w: [
            *PERSON_EDGES("betrokkene-", w),
            ({"betrokkene-municipality": None, "signaal-weegploeg": str(w.b.pk)}, None),
            ({"betrokkene-municipality": None}, None),  # no weegploeg at all
        ],
    ),
    Target(
        "edit", ("SignalForm",), (Role.MELDPUNT, OWN),
        lambda w: [_url("signals:edit", pk=w.signal.pk)],
        lambda w: valid_signal("signaal-"),
        lambda w: signal_fields(w, "signaal-"),
        forged_urls=lambda w: [_url("signals:edit", pk=w.b_signal.pk)],
        edges=lambda w: [
            ({"signaal-behaviour_to": _days(-20)}, None),  # before behaviour_from
            ({"signaal-received_on": _days(30)}, None),
            ({"signaal-source_category": "professional"}, None),  # without a sector
        ],
    ),
    Target(
        "identity", ("PersonForm",), (Role.MEMBER, OWN),
        lambda w: [_url("signals:identity", pk=w.signal.pk)],
        lambda w: valid_person(w, "betrokkene-", "Jan", "Jansen"),
        lambda w: person_fields(w, "betrokkene-"),
        forged_urls=lambda w: [_url("signals:identity", pk=w.b_signal.pk)],
        edges=lambda w: PERSON_EDGES("betrokkene-", w),
    ),
    Target(
        "attachment", ("AttachmentForm",), (Role.MEMBER, SAME),
        lambda w: [_url("signals:attachment_add", pk=w.signal.pk)],
        lambda w: {"file": upload_ok},
        lambda w: {"file": UPLOADS},
        forged_urls=lambda w: [_url("signals:attachment_add", pk=w.b_signal.pk)],
    ),
    Target(
        "contribution", ("ContributionForm",), (Role.MEMBER, SAME),
        lambda w: [_url("signals:contribute", pk=w.signal.pk)],
        lambda w: {"source": "Politieregistratie", "information_date": _days(-2),
                   "content": "Melding van bedreiging.", "visibility": "weegploeg",
                   "legal_ground": str(legal_ground().pk)},
        lambda w: {"source": WORDS, "information_date": DATES, "content": WORDS,
                   "visibility": choice("weegploeg", "own_partner", "alle"),
                   "legal_ground": ids(legal_ground())},
        forged_urls=lambda w: [_url("signals:contribute", pk=w.b_signal.pk)],
    ),
    Target(
        "withdraw", ("WithdrawForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("signals:withdraw", pk=w.signal.pk)],
        lambda w: {"reason": "Onterecht geregistreerd: het gaat om een ander."},
        lambda w: {"reason": WORDS},
        forged_urls=lambda w: [_url("signals:withdraw", pk=w.b_signal.pk)],
    ),
    Target(
        "transfer", ("TransferForm",), (Role.COORDINATOR, OWN),
        # The open signal, and one on the agenda of one of A's sessions.
        lambda w: [_url("signals:transfer", pk=w.signal.pk),
                   _url("signals:transfer", pk=w.open_item.signal.pk)],
        lambda w: {"municipality": str(w.b.gemeente.pk), "reason": "Verhuisd."},
        lambda w: {"municipality": ids(w.b.gemeente, w.a.gemeente, w.a.politie),
                   "to_weegploeg": ids(w.a, w.b), "reason": WORDS},
        forged_urls=lambda w: [_url("signals:transfer", pk=w.b_signal.pk)],
        edges=lambda w: [
            ({"municipality": None, "to_weegploeg": str(w.a.pk)}, None),  # its own weegploeg
            # A signal on the agenda of one of A's sessions moves to B: nothing of it may
            # stay on A's agenda.
            ({}, _url("signals:transfer", pk=w.open_item.signal.pk)),
        ],
    ),
    Target(
        "queue filter", ("QueueFilterForm",), (Role.MEMBER, OWN),
        lambda w: [_url("signals:queue")],
        lambda w: {"q": "Jansen", "status": "", "date_from": _days(-100)},
        lambda w: {"q": st.one_of(WORDS, choice(w.signal.reference, w.b_signal.reference)),
                   "status": choice("registered", "transferred", "withdrawn", "geheim"),
                   "phenomenon": choice("jihadisme", "x"),
                   "source_category": choice("burger", "x"),
                   "date_from": DATES, "date_to": DATES, "pagina": NUMBERS},
        method="get",
    ),
    Target(
        # The search term is posted; the answer is a redirect to the result under a token.
        "queue search", ("QueueFilterForm",), (Role.MEMBER, OWN),
        lambda w: [_url("signals:queue")],
        lambda w: {"q": "Jansen", "status": ""},
        lambda w: {"q": st.one_of(WORDS, choice(w.signal.reference, w.b_signal.reference)),
                   "status": choice("registered", "transferred", "withdrawn", "geheim"),
                   "phenomenon": choice("jihadisme", "x"), "date_from": DATES},
    ),
    Target(
        "audit filter", ("AuditFilterForm",), (Role.AUDITOR, OWN),
        lambda w: [_url("audit:log"), _url("audit:export")],
        lambda w: {"action": "3", "date_from": _days(-1)},
        lambda w: {"actor": ids(w.user(Role.MEMBER, OWN), w.user(Role.MEMBER, "other")),
                   "partner": ids(w.a.gemeente, w.b.gemeente),
                   "content_type": NUMBERS, "object_pk": WORDS,
                   "action": choice(0, 1, 2, 3, 4, "x"), "date_from": DATES, "date_to": DATES,
                   "pagina": NUMBERS},
        method="get", examples=15,
    ),
    Target(
        "partner assessment", ("AssessmentForm",), (Role.MEMBER, OWN),
        lambda w: [_url("criteria:partner_assessment", signal_pk=w.signal.pk)],
        lambda w: valid_assessment(w, joint=False),
        lambda w: assessment_fields(w, joint=False),
        forged_urls=lambda w: [_url("criteria:partner_assessment", signal_pk=w.b_signal.pk)],
        edges=lambda w: [
            ({"c1-scale_value": str(_value(w.published, 2))}, None),
            ({"c2-substantiation": ""}, None),  # a judgement without its facts
            ({"visibility": "everyone"}, None),
        ],
    ),
    Target(
        "joint assessment", ("AssessmentForm",), (Role.MEMBER, SAME),
        lambda w: [_url("criteria:joint_assessment", signal_pk=w.signal.pk)],
        lambda w: valid_assessment(w, joint=True),
        lambda w: assessment_fields(w, joint=True),
        forged_urls=lambda w: [_url("criteria:joint_assessment", signal_pk=w.b_signal.pk)],
        edges=lambda w: [
            ({"c1-source_partner": str(w.b.politie.pk)}, None),
            ({"c1-scale_value": str(_value(w.published, 2))}, None),  # criterion 2's value
            ({"c3-scale_value": str(_value(w.draft, 3))}, None),  # the draft's value
            ({"framework_version": str(w.draft.version)}, None),
            ({"conclusion": "   "}, None),
        ],
    ),
    Target(
        "framework draft", ("FrameworkDraftForm",), (Role.ADMIN, OWN),
        lambda w: [_url("criteria:edit_draft", version=w.draft.version)],
        valid_draft, draft_fields, examples=15,
        edges=lambda w: [
            ({"c1-title": ""}, None),
            ({f"c2-scale-{i}": "" for i in range(1, 8)}, None),  # a scale without values
            ({"c3-unknown": ""}, None),
            ({"i1-title": "", "i1-description": ""}, None),
        ],
    ),
    Target(
        "session planning", ("SessionForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:sessions")],
        lambda w: {"weegploeg": str(w.a.pk), "starts_at": "2030-01-15T14:00",
                   "location": "Stadhuis"},
        lambda w: {"weegploeg": ids(w.a, w.b), "starts_at": DATETIMES,
                   "online": choice("on", ""), "location": WORDS},
        edges=lambda w: [
            ({"weegploeg": str(w.b.pk)}, None),
            ({"starts_at": "0001-01-01T00:30"}, None),
            ({"starts_at": "9999-12-31T23:59"}, None),
            ({"location": "   "}, None),
        ],
    ),
    Target(
        "add to agenda", ("AddItemForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:session_action", pk=w.session.pk, action="toevoegen")],
        lambda w: {"signal": str(w.signal.pk)},
        # The open signal; another weegploeg's; one already decided.
        lambda w: {"signal": ids(w.signal, w.b_signal, w.item.signal)},
        forged_urls=lambda w: [
            _url("weegploeg:session_action", pk=w.b_session.pk, action="toevoegen")
        ],
        edges=lambda w: [({"signal": str(w.b_signal.pk)}, None),
                         ({"signal": str(w.item.signal.pk)}, None)],
    ),
    Target(
        "open session", ("OpenSessionForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:session_action", pk=w.session.pk, action="openen")],
        lambda w: {"reason": "Vervroegd wegens spoed."},
        lambda w: {"reason": WORDS},
        forged_urls=lambda w: [
            _url("weegploeg:session_action", pk=w.b_session.pk, action="openen")
        ],
        edges=lambda w: [({"reason": "   "}, None), ({"reason": "x" * 501}, None)],
    ),
    Target(
        "attendance", ("AttendanceForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:session_action", pk=w.session.pk, action="aanwezigheid")],
        lambda w: {"attendees": str(w.om_member.pk)},
        lambda w: {"attendees": ids(w.om_member, w.b_coordinator)},
        forged_urls=lambda w: [
            _url("weegploeg:session_action", pk=w.b_session.pk, action="aanwezigheid")
        ],
        edges=lambda w: [({"attendees": str(w.b_coordinator.pk)}, None),
                         ({"attendees": "0"}, None)],
    ),
    Target(
        "prepare decision", ("PrepareForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:item", pk=w.open_item.pk)],
        lambda w: {"joint_reasoning": "Samen besproken.", "invited_parties": "zorg_ggz",
                   "referral": "geen"},
        lambda w: {"joint_reasoning": WORDS,
                   "invited_parties": choice(*CaseParty.values, "iedereen"),
                   "other_party": WORDS, "referral": choice(*Referral.values, "x"),
                   "follow_up_on": DATES},
        fixed={"voorbereiden": "1"},
        edges=lambda w: [({"invited_parties": "other"}, None),
                         ({"follow_up_on": "9999-12-31", "referral": "strafrechtelijk"}, None)],
    ),
    Target(
        "vote", ("VoteForm",), (Role.MEMBER, SAME),
        lambda w: [_url("weegploeg:item", pk=w.open_item.pk)],
        lambda w: {"outcome": "casusoverleg", "motivation": MOTIVATION},
        lambda w: {"outcome": choice(*Outcome.values, "ja"), "motivation": WORDS},
        fixed={"stem": "1"},
        edges=lambda w: [({"motivation": " " * 20}, None),
                         ({"outcome": ["casusoverleg", "no_casusoverleg"]}, None)],
    ),
    Target(
        "integral statement", ("IntegralStatementForm",), (Role.MEMBER, SAME),
        lambda w: [_url("weegploeg:item", pk=w.open_item.pk)],
        lambda w: {"result": "nothing_known"},
        lambda w: {"result": choice(*ConsultationResult.values, "alles")},
        fixed={"integraal": "1"},
        edges=lambda w: [({"result": ["nothing_known", "cannot_share"]}, None)],
    ),
    Target(
        "correction", ("CorrectionForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:decision", pk=w.decision.pk)],
        lambda w: {"reasoning": "Gecorrigeerde motivering.", "reason": "Typefout."},
        lambda w: {"reasoning": WORDS, "reason": WORDS},
        fixed={"corrigeren": "1"},
        edges=lambda w: [({"reasoning": "   "}, None), ({"reason": "   "}, None)],
    ),
    Target(
        "information request", ("InformationRequestForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:decision", pk=w.more_info_decision.pk)],
        lambda w: {"question": "Is er contact met de wijkagent?",
                   "assigned_partner": str(w.a.om.pk), "deadline": _days(14),
                   "legal_ground": str(legal_ground().pk)},
        lambda w: {"question": WORDS,
                   "assigned_partner": ids(w.a.om, w.b.gemeente, w.b.politie),
                   "external_body": WORDS, "deadline": DATES,
                   "legal_ground": ids(legal_ground())},
        fixed={"verzoek": "1"},
        edges=lambda w: [({"assigned_partner": str(w.b.gemeente.pk)}, None),
                         ({"deadline": _days(0)}, None),
                         ({"deadline": "9999-12-31"}, None)],
    ),
    # -- after the decision (rule 12): the page of A's decided signal, of its signal flagged
    # for the driehoek, and of the dossier B transferred to A --------------------------------
    Target(
        "follow-up", ("FollowUpForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:after_decision", pk=w.item.signal_id)],
        lambda w: {"follow_up": str(w.decision.follow_ups.first().pk),
                   "checked": "Casusoverleg nagevraagd.", "result": "Loopt volgens plan."},
        lambda w: {"follow_up": ids(w.decision.follow_ups.first(),
                                    w.in_b.decision.follow_ups.first()),
                   "checked": WORDS, "result": WORDS,
                   "referral_result": choice("taken_up", "not_taken_up", "x"),
                   "taken_up_by": WORDS, "next_on": DATES},
        fixed={"opvolging": "1"},
        forged_urls=lambda w: [_url("weegploeg:after_decision", pk=w.in_b.item.signal_id)],
        edges=lambda w: [({"follow_up": str(w.in_b.decision.follow_ups.first().pk)}, None),
                         ({"next_on": _days(0)}, None), ({"checked": "   "}, None)],
    ),
    Target(
        "re-weighing", ("ReweighingForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:after_decision", pk=w.item.signal_id)],
        lambda w: {"reason_kind": "review", "reason": "Herbeoordeling na zes maanden."},
        lambda w: {"reason_kind": choice("new_information", "review", "moved", "x"),
                   "reason": WORDS},
        fixed={"herwegen": "1"},
        forged_urls=lambda w: [_url("weegploeg:after_decision", pk=w.in_b.item.signal_id)],
        edges=lambda w: [({"reason": "   "}, None)],
    ),
    Target(
        "escalation", ("EscalationForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:after_decision", pk=w.flagged_item.signal_id)],
        lambda w: {"item": str(w.flagged_item.pk), "sent_on": _days(0),
                   "sent_to": "Burgemeester"},
        lambda w: {"item": ids(w.flagged_item, w.escalation.item, w.in_b.open_item),
                   "sent_on": DATES, "sent_to": WORDS},
        fixed={"escaleren": "1"},
        forged_urls=lambda w: [_url("weegploeg:after_decision", pk=w.in_b.item.signal_id)],
        edges=lambda w: [({"sent_on": _days(1)}, None), ({"sent_to": "   "}, None),
                         ({"item": str(w.escalation.item_id)}, None)],
    ),
    Target(
        "driehoek outcome", ("DriehoekOutcomeForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:after_decision", pk=w.flagged_item.signal_id)],
        lambda w: {"escalation": str(w.escalation.pk), "outcome": "casusoverleg",
                   "outcome_on": _days(0), "outcome_text": "Driehoek: casusoverleg."},
        lambda w: {"escalation": ids(w.escalation), "outcome": choice(
            "casusoverleg", "no_casusoverleg", "more_information"),
                   "outcome_on": DATES, "outcome_text": WORDS},
        fixed={"uitkomst": "1"},
        forged_urls=lambda w: [_url("weegploeg:after_decision", pk=w.in_b.item.signal_id)],
        edges=lambda w: [({"outcome_on": _days(-1)}, None), ({"outcome_text": "  "}, None)],
    ),
    Target(
        "transfer receipt", ("TransferReceiptForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("weegploeg:after_decision", pk=w.transfer_in.signal_id)],
        lambda w: {"transfer": str(w.transfer_in.pk)},
        lambda w: {"transfer": st.one_of(ids(w.transfer_in), WORDS)},
        fixed={"ontvangen": "1"},
        forged_urls=lambda w: [_url("weegploeg:after_decision", pk=w.in_b.item.signal_id)],
    ),
    Target(
        "answer", ("AnswerForm",), (Role.MEMBER, OWN),
        lambda w: [_url("weegploeg:answer", pk=w.info_request.pk)],
        lambda w: {"content": "Ja, sinds september.", "source": "Leerplicht",
                   "information_date": _days(-1), "visibility": "weegploeg",
                   "legal_ground": str(legal_ground().pk)},
        lambda w: {"content": WORDS, "source": WORDS, "information_date": DATES,
                   "visibility": choice("weegploeg", "own_partner", "x"),
                   "legal_ground": ids(legal_ground())},
    ),
    Target(
        "beheer user", ("UserForm",), (Role.ADMIN, OWN),
        lambda w: [_url("beheer:pga_user_add")],
        lambda w: {"email": "nieuw@example.nl", "full_name": "Nieuwe Collega",
                   "partner": str(w.a.gemeente.pk), "roles": "member", "is_active": "on",
                   "password1": PASSWORD, "password2": PASSWORD},
        lambda w: {"email": st.one_of(WORDS, choice(w.om_member.email,
                                                    w.om_member.email.upper())),
                   "full_name": WORDS, "partner": ids(w.a.gemeente, w.b.politie),
                   "roles": choice(*Role.values, "superuser"), "is_active": choice("on", ""),
                   "password1": WORDS, "password2": WORDS},
        fixed=ADMIN_SAVE,
        edges=lambda w: [
            ({"email": w.om_member.email.upper()}, None),
            ({"partner": None}, None),  # roles without a partner
            ({"full_name": "x" * 200, "email": ("a" * 64) + "@" + ("b" * 185) + ".nl"}, None),
        ],
    ),
    Target(
        "beheer partner", ("Partner",), (INSTALLATION, "-"),
        lambda w: [_url("beheer:pga_partner_add")],
        lambda w: {"kind": "gemeente", "name": "Gemeente Nieuwdorp", "code": "nieuwdorp",
                   "weegploeg": str(w.a.pk)},
        lambda w: {"kind": choice("gemeente", "politie", "om", "x"), "name": WORDS,
                   "code": WORDS, "weegploeg": ids(w.a, w.b)},
        fixed=ADMIN_SAVE,
        edges=lambda w: [
            ({"name": "Gemeente " + "Zuid" * 47}, None),  # 197 characters, within max_length
            ({"kind": "politie"}, None),  # a politie in a weegploeg's gemeente seat
        ],
    ),
    Target(
        "beheer legal ground", ("LegalGround",), (Role.ADMIN, OWN),
        lambda w: [_url("beheer:pga_legalground_add")],
        lambda w: {"name": "Wet PGA-R art. 3", "source": "Nieuwe wet", "in_force": "on"},
        lambda w: {"name": WORDS, "source": WORDS, "in_force": choice("on", "")},
        fixed=ADMIN_SAVE,
        edges=lambda w: [({"name": legal_ground().name}, None),
                         ({"name": "G" * 200, "source": "B" * 300}, None)],
    ),
    Target(
        "beheer weegploeg", ("Weegploeg",), (INSTALLATION, "-"),
        lambda w: [_url("beheer:pga_weegploeg_add")],
        lambda w: {"name": "Weegploeg Nieuw", "code": "nieuw", "politie": str(w.b.politie.pk),
                   "om": str(w.b.om.pk)},
        lambda w: {"name": WORDS, "code": WORDS,
                   "politie": ids(w.b.politie, w.a.gemeente, w.b.om),
                   "om": ids(w.b.om, w.a.politie)},
        fixed=ADMIN_SAVE,
        edges=lambda w: [({"politie": str(w.a.gemeente.pk)}, None),
                         ({"name": w.a.name}, None)],
    ),
    # -- retention ----------------------------------------------------------------------
    Target(
        "retention rule", ("RuleForm",), (Role.ADMIN, OWN),
        lambda w: [_url("retention:rule", basis="casusoverleg")],
        lambda w: {"period": "5", "unit": "years", "anchor": "last_processing",
                   "legal_source": "Modelconvenant 2017."},
        lambda w: {"period": st.one_of(NUMBERS, st.integers(0, 40_000).map(str)),
                   "unit": choice("days", "months", "years", "eeuwen"),
                   "anchor": choice("outcome", "last_processing", "x"),
                   "legal_source": WORDS},
        fixed={"opslaan": "1"},
        forged_urls=lambda w: [_url("retention:rule", basis="onbekend")],
        edges=lambda w: [({"period": "0"}, None), ({"legal_source": "  "}, None)],
    ),
    Target(
        "legal hold", ("HoldForm",), (Role.ADMIN, OWN),
        lambda w: [_url("retention:hold_create")],
        lambda w: {"reference": w.signal.reference, "reason": "Procedure bij de rechter.",
                   "until": _days(30)},
        lambda w: {"reference": st.one_of(WORDS, choice(w.signal.reference.lower(),
                                                        w.item.signal.reference)),
                   "reason": WORDS, "until": DATES},
        edges=lambda w: [({"until": _days(-1)}, None), ({"until": "9999-12-31"}, None),
                         ({"reference": "WP-0000-000000"}, None)],
    ),
    Target(
        "end legal hold", ("EndHoldForm",), (Role.ADMIN, OWN),
        lambda w: [_url("retention:hold_end", pk=w.hold.pk)],
        lambda w: {"end_reason": "De procedure is afgerond."},
        lambda w: {"end_reason": WORDS},
    ),
    Target(
        "notification", ("NotificationForm",), (Role.COORDINATOR, OWN),
        lambda w: [_url("retention:notification", pk=w.decision.pk)],
        lambda w: {"status": "notified", "notified_on": _days(-1),
                   "notified_by": "Wijkregisseur", "method": "brief"},
        lambda w: {"status": choice("notified", "postponed", "x"), "notified_on": DATES,
                   "notified_by": WORDS, "method": choice("brief", "gesprek", "x"),
                   "ground": choice("nationale_veiligheid", "other", "x"),
                   "ground_detail": WORDS, "recheck_on": DATES},
        # Not a casusoverleg decision: nothing to notify.
        forged_urls=lambda w: [_url("retention:notification", pk=w.more_info_decision.pk)],
        edges=lambda w: [
            ({"status": "postponed", "ground": "other", "recheck_on": _days(90)}, None),
            ({"status": "postponed", "ground": "nationale_veiligheid",
              "recheck_on": "9999-12-31"}, None),
            ({"notified_on": _days(10)}, None),
        ],
    ),
    Target(
        "subject search", ("SubjectSearchForm",), (Role.AUDITOR, OWN),
        lambda w: [_url("rights:subject_search")],
        lambda w: {"purpose": "inzageverzoek", "case_number": "INZ-2026-4", "name": "Jansen"},
        lambda w: {"purpose": choice("inzageverzoek", "toezicht", "nieuwsgierigheid"),
                   "case_number": WORDS, "bsn": BSNS, "name": WORDS,
                   "date_of_birth": DATES},
        accepted=200,  # the results, on the same page
        edges=lambda w: [({"name": "\ufdfa" * 30}, None), ({"name": "%"}, None),
                         ({"name": None, "bsn": "111222333"}, None)],
    ),
    Target(
        "subject request", ("SubjectRequestForm",), (Role.ADMIN, OWN),
        lambda w: [_url("rights:subject_person", pk=w.signal.person_id)],
        lambda w: {"kind": "rectificatie", "case_number": "REC-2026-1",
                   "received_on": _days(-1), "request_text": "Adres is onjuist."},
        lambda w: {"kind": choice("inzage", "rectificatie", "verwijdering", "x"),
                   "case_number": WORDS, "received_on": DATES, "request_text": WORDS},
        session={SUBJECT_SESSION_KEY: {"purpose": "inzageverzoek", "case_number": "INZ-2026-4"}},
    ),
    Target(
        "subject request handling", ("HandleRequestForm",), (Role.ADMIN, OWN),
        lambda w: [_url("rights:subject_request", pk=w.signal.person_id,
                        request_pk=w.subject_request.pk)],
        lambda w: {f"verzoek-{w.subject_request.pk}-status": "toegewezen",
                   f"verzoek-{w.subject_request.pk}-handling": "Inzage verstrekt."},
        lambda w: {f"verzoek-{w.subject_request.pk}-status": choice("toegewezen", "open", "x"),
                   f"verzoek-{w.subject_request.pk}-handling": WORDS,
                   f"verzoek-{w.subject_request.pk}-handled_on": DATES},
        # Another person's request under this person's URL.
        forged_urls=lambda w: [_url("rights:subject_request", pk=w.b_signal.person_id,
                                    request_pk=w.subject_request.pk)],
    ),
    # -- referrals: the public meldpunt and its intake ------------------------------------
    Target(
        # Anonymous, write-only: a sent referral answers with the receipt page (200), a
        # refused one with the form again, its errors and what was typed.
        "public referral", ("ReferralForm",), None,
        lambda w: [_url("referrals:public_form", gemeente=w.a.gemeente.code)],
        lambda w: referral_data(subject_municipality=str(w.a.gemeente.pk)),
        lambda w: {
            **{name: WORDS for name in ("reporter_name", "reporter_organisation",
                                        "reporter_role", "reporter_phone",
                                        "subject_first_names", "subject_surname",
                                        "subject_details", "observation")},
            "reporter_sector": choice(*ProfessionalSector.values, "geheim"),
            "reporter_email": st.one_of(WORDS, choice("mentor@school.example.nl",
                                                      "a@b", "@", "a@" + "b" * 250 + ".nl")),
            "subject_date_of_birth": DATES, "observed_from": DATES, "observed_to": DATES,
            # Another weegploeg's gemeente is a woongemeente too; the politie is none.
            "subject_municipality": ids(w.a.gemeente, w.b.gemeente, w.a.politie),
            "acute_danger": choice("on", "true", "false", ""),
            "attachments": UPLOADS,
        },
        # Not a gemeente with a meldpunt: a politie's code, and no partner at all.
        forged_urls=lambda w: [_url("referrals:public_form", gemeente=w.a.politie.code),
                               _url("referrals:public_form", gemeente="bestaat-niet")],
        edges=lambda w: [
            ({"observed_to": _days(-30)}, None),  # before observed_from
            ({"observed_from": _days(3)}, None),  # in the future
            ({"subject_date_of_birth": "0001-01-01"}, None),
            ({"subject_municipality": str(w.a.politie.pk)}, None),  # not a gemeente
            ({"observation": "x" * (OBSERVATION_MAX_LENGTH + 1)}, None),
            ({"reporter_name": "Jan\nJansen"}, None),  # one line only
            ({"attachments": [upload_ok() for _ in range(MAX_ATTACHMENTS + 1)]}, None),
        ],
        accepted=200, accepted_template="referrals/receipt.html", rate_limited=True,
        shows_refusal=True, examples=25,
    ),
    Target(
        "accept referral", ("AcceptForm",), (Role.MELDPUNT, OWN),
        lambda w: [_url("referrals:submission", pk=w.submission.pk)],
        lambda w: {"accepteren-phenomenon": "jihadisme"},
        lambda w: {"accepteren-phenomenon": choice(*Phenomenon.values, "geheim")},
        fixed={"accepteren": "1"},
        shows_refusal=True,
        # Another gemeente's referral does not exist here.
        forged_urls=lambda w: [_url("referrals:submission", pk=w.in_b.submission.pk)],
    ),
    Target(
        "decline referral", ("DeclineForm",), (Role.MELDPUNT, OWN),
        lambda w: [_url("referrals:submission", pk=w.submission.pk)],
        lambda w: {"afwijzen-reason": "Geen aanwijzingen voor radicalisering."},
        lambda w: {"afwijzen-reason": WORDS},
        fixed={"afwijzen": "1"},
        shows_refusal=True,
        forged_urls=lambda w: [_url("referrals:submission", pk=w.in_b.submission.pk)],
        edges=lambda w: [({"afwijzen-reason": " " * 9 + "kort"}, None),
                         ({"afwijzen-reason": "x" * (DECLINE_REASON_MAX_LENGTH + 1)}, None)],
    ),
    Target(
        "feedback text", ("FeedbackTextForm",), (Role.MELDPUNT, OWN),
        lambda w: [_url("referrals:feedback_text")],
        lambda w: {"text": "Vragen? Bel het meldpunt op 14 010."},
        lambda w: {"text": WORDS},
        shows_refusal=True,
        edges=lambda w: [({"text": ""}, None),  # empty: no standard text
                         ({"text": "x" * (FEEDBACK_TEXT_MAX_LENGTH + 1)}, None)],
    ),
]

# -- checks ----------------------------------------------------------------------------------

COUNTED_APPS = ("pga", "signals", "criteria", "weegploeg", "retention", "referrals")


def _count_sql():
    from django.apps import apps

    tables = sorted({
        model._meta.db_table
        for label in (*COUNTED_APPS, "auth", "guardian")
        for model in apps.get_app_config(label).get_models()
        if model is not AuditEntry and not model._meta.proxy and model._meta.managed
    })
    # Table names from the model registry, not from input.
    parts = [f"(SELECT count(*) FROM {table}) AS {table}" for table in tables]  # noqa: S608
    # Reads (ACCESS) may be logged on a refused submission; writes may not.
    parts.append(
        f"(SELECT count(*) FROM {AuditEntry._meta.db_table} "  # noqa: S608
        f"WHERE action <> {int(AuditEntry.Action.ACCESS)}) AS audit_writes"
    )
    return [*tables, "audit_writes"], "SELECT " + ", ".join(parts)


def row_counts(sql):
    names, query = sql
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(zip(names, cursor.fetchone(), strict=True))


# Cross-object rules no submission may break, whatever was accepted: each query returns the
# ids of the rows that break it. A transferred dossier keeps what its first weegploeg
# recorded (the sources it cited, the questions it asked), so those two rules skip it.
INVARIANTS = {
    "agenda item for a signal of another weegploeg": """
        SELECT i.id FROM weegploeg_agendaitem i JOIN weegploeg_session s ON s.id = i.session_id
        JOIN signals_signal g ON g.id = i.signal_id WHERE g.weegploeg_id <> s.weegploeg_id""",
    "judgement with a scale value of another criterion": """
        SELECT j.id FROM criteria_judgement j JOIN criteria_scalevalue v ON v.id = j.scale_value_id
        WHERE v.criterion_id <> j.criterion_id""",
    "judgement on a criterion of another framework version": """
        SELECT j.id FROM criteria_judgement j JOIN criteria_criterion c ON c.id = j.criterion_id
        JOIN criteria_assessment a ON a.id = j.assessment_id
        WHERE c.framework_id <> a.framework_id""",
    "judgement citing a partner outside the weegploeg": """
        SELECT j.id FROM criteria_judgement j JOIN criteria_assessment a ON a.id = j.assessment_id
        JOIN signals_signal s ON s.id = a.signal_id JOIN pga_weegploeg w ON w.id = s.weegploeg_id
        JOIN pga_partner p ON p.id = j.source_partner_id
        WHERE p.id <> w.politie_id AND p.id <> w.om_id AND p.weegploeg_id IS DISTINCT FROM w.id
        AND NOT EXISTS (SELECT 1 FROM signals_transfer t WHERE t.signal_id = s.id)""",
    "partner assessment of another partner than its author's": """
        SELECT a.id FROM criteria_assessment a JOIN pga_user u ON u.id = a.author_id
        WHERE a.kind = 'partner' AND a.partner_id IS DISTINCT FROM u.partner_id""",
    "information request to a partner outside the weegploeg": """
        SELECT r.id FROM weegploeg_informationrequest r JOIN signals_signal s ON s.id = r.signal_id
        JOIN pga_weegploeg w ON w.id = s.weegploeg_id
        JOIN pga_partner p ON p.id = r.assigned_partner_id
        WHERE p.id <> w.politie_id AND p.id <> w.om_id AND p.weegploeg_id IS DISTINCT FROM w.id
        AND NOT EXISTS (SELECT 1 FROM signals_transfer t WHERE t.signal_id = s.id)""",
    "vote on behalf of another partner": """
        SELECT v.id FROM weegploeg_vote v JOIN pga_user u ON u.id = v.voter_id
        WHERE v.partner_id IS DISTINCT FROM u.partner_id""",
    "session planned by someone outside its weegploeg": """
        SELECT s.id FROM weegploeg_session s JOIN pga_weegploeg w ON w.id = s.weegploeg_id
        JOIN pga_user u ON u.id = s.created_by_id JOIN pga_partner p ON p.id = u.partner_id
        WHERE p.id <> w.politie_id AND p.id <> w.om_id AND p.weegploeg_id IS DISTINCT FROM w.id""",
    "contribution in the name of another partner": """
        SELECT c.id FROM signals_contribution c JOIN pga_user u ON u.id = c.author_id
        WHERE c.partner_id IS DISTINCT FROM u.partner_id""",
    "weegploeg seat held by a partner of the wrong kind": """
        SELECT w.id FROM pga_weegploeg w JOIN pga_partner p ON p.id = w.politie_id
        JOIN pga_partner o ON o.id = w.om_id WHERE p.kind <> 'politie' OR o.kind <> 'om'""",
    "person whose BSN is not nine ASCII digits": """
        SELECT id FROM signals_person WHERE bsn <> '' AND bsn !~ '^[0-9]{9}$'""",
    "referral held for a partner that is not a gemeente": """
        SELECT s.id FROM referrals_submission s JOIN pga_partner p ON p.id = s.gemeente_id
        WHERE p.kind <> 'gemeente'""",
    "accepted referral that still holds what its signal now holds": """
        SELECT id FROM referrals_submission WHERE status = 'accepted'
        AND (observation <> '' OR subject_surname <> '' OR reporter_name <> '')""",
}


def broken_invariants():
    broken = {}
    with connection.cursor() as cursor:
        for rule, sql in INVARIANTS.items():
            cursor.execute(sql)
            rows = [row[0] for row in cursor.fetchall()]
            if rows:
                broken[rule] = rows
    return broken


EXAMPLES = Counter()
FIGURES["form fuzzing: examples run"] = EXAMPLES
FUZZ_SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                              HealthCheck.data_too_large],
}


def _submit(client, method, url, data):
    """The response, or the exception with its traceback (the test client re-raises what a
    server would answer with a 500)."""
    try:
        response = client.get(url, data) if method == "get" else client.post(url, data)
    except Exception as error:  # noqa: BLE001 - reported as the 500 it would be
        return None, "".join(traceback.format_exception(error))
    if response.streaming:
        response.getvalue()
    return response, None


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_form_survives_fuzzing(target, world, as_user, rolled_back, request):
    # One login per form (the login is not what is fuzzed), then `target.examples`
    # submissions, each in a savepoint that is rolled back.
    client = as_user(world.user(*target.actor) if target.actor else None)
    if target.session:
        session = client.session
        session.update(target.session)
        session.save()
    count_sql = _count_sql()
    urls, forged = target.urls(world), target.forged_urls(world)
    limits = _own_rate_limits(request) if target.rate_limited else None

    with rolled_back():
        # The valid submission is accepted: the fuzzing starts from a form that works.
        data = baseline(target.valid(world), target.fixed)
        response, server_error = _submit(client, target.method, urls[0], data)
        assert server_error is None, server_error
        assert response.status_code == target.accepted, _errors(response)

    def submit(url, data):
        EXAMPLES[target.name] += 1
        if limits is not None:
            limits.clear()
        with rolled_back():
            before = row_counts(count_sql)
            response, server_error = _submit(client, target.method, url, data)
            assert server_error is None, f"500 op {target.name} ({url}):\n{server_error}"
            status = response.status_code
            assert status < 500, status
            changed = {
                table: (count, after) for (table, count), after
                in zip(before.items(), row_counts(count_sql).values(), strict=True)
                if count != after
            }
            if url in forged:
                assert status == 404, f"vervalst id in de URL gaf {status}"
            if limits is not None:
                assert status != 429, "snelheidslimiet ondanks een lege teller"
            accepted_page = _is_accepted_page(target, response)
            if url in forged or target.method == "get" or (status == 200 and not accepted_page):
                assert not changed, f"geweigerd ({status}) maar toch opgeslagen: {changed}"
            if accepted_page:
                # One stored referral, with no more files than were sent (a file whose
                # name is empty once sanitised never reaches the view).
                added = {table: after - count for table, (count, after) in changed.items()}
                sent = [f for f in _as_list(data.get("attachments")) if hasattr(f, "read")]
                assert added.get("referrals_submission") == 1, added
                assert added.get("referrals_submissionattachment", 0) <= len(sent), added
            elif status == 200 and target.shows_refusal and url not in forged:
                _check_refusal_page(response, data)
            broken = broken_invariants()
            assert not broken, f"na {status}: {broken}"

    fuzz = given(url=st.sampled_from(urls + forged),
                 data=submissions(target.valid(world), target.fields(world), target.fixed))(
        submit
    )
    for changes, url in [*target.edges(world), *boundary_edges(target, world)]:
        data = baseline(target.valid(world), target.fixed)
        data.update(changes)
        data = {name: value for name, value in data.items() if value is not None}
        fuzz = example(url=url or urls[0], data=data)(fuzz)
    settings(max_examples=target.examples, **FUZZ_SETTINGS)(fuzz)()
    request.node.user_properties.append(("examples", EXAMPLES[target.name]))


def _own_rate_limits(request):
    """The rate limits on, counted in a local-memory cache of this test only (not the shared
    Redis of other tests and runs): the production rates and code, an empty counter per
    example. Returns that cache."""
    from django.core.cache import caches

    django_settings = request.getfixturevalue("settings")
    django_settings.RATELIMIT_ENABLE = True
    django_settings.CACHES = {
        **django_settings.CACHES,
        django_settings.RATELIMIT_USE_CACHE: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"form-fuzz-{request.node.name}",
        },
    }
    return caches[django_settings.RATELIMIT_USE_CACHE]


def _is_accepted_page(target, response) -> bool:
    """A 200 that is the page of a stored submission (a receipt), not the form again."""
    if target.accepted_template is None or response.status_code != 200:
        return False
    return target.accepted_template in {t.name for t in response.templates}


def _as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


# English words of a message Django or a library shows when nobody translated it.
ENGLISH = re.compile(r"\b(the|this|that|must|enter|ensure|select|valid|invalid|field|"
                     r"characters?|value|required|please|should|file|submitted)\b", re.I)


# Inputs that do not show a typed value back as text.
NOT_SHOWN_BACK = {"checkbox", "radio", "file", "hidden", "password"}


def _check_refusal_page(response, data):
    """A refused submission: the form again with its errors in Dutch, and every text field
    showing what was typed in it (as the browser would show it back)."""
    context = response.context
    assert context is not None and context.get("forms"), "geen formulier terug"
    bound = [form for form in context["forms"] if form is not None and form.is_bound]
    if not bound:
        # A POST without any of the form's fields is read as opening the form: the empty
        # form again, nothing typed to keep, nothing stored.
        names = {form.add_prefix(name) for form in context["forms"] for name in form.fields}
        assert not names & set(data), "ingevuld maar het formulier kwam leeg terug"
        return
    messages = [message for form in bound for errors in form.errors.values()
                for message in errors]
    assert messages, "geweigerd zonder foutmelding"
    english = [message for message in messages if ENGLISH.search(message)]
    assert not english, f"foutmelding niet in het Nederlands: {english}"
    page = response.content.decode()
    for form in bound:
        for name, field in form.fields.items():
            typed = data.get(form.add_prefix(name))
            widget = field.widget
            shown = isinstance(widget, forms.Textarea) or (
                isinstance(widget, Input) and widget.input_type not in NOT_SHOWN_BACK)
            if shown and isinstance(typed, str) and typed:
                assert escape(typed) in page, f"{name}: het getypte is niet teruggezet"


def boundary_edges(target, world) -> list:
    """The boundary values on every field of the form at once: each value on its own, so
    that one check cannot hide behind another field's error."""
    fields = target.fields(world)
    dates = [name for name, strategy in fields.items() if strategy is DATES]
    edges = [({name: value for name in fields}, None)
             for value in (*OVER_LONG, BEYOND_64_BITS[2], OTHER_DIGITS[0], CONTROL[0])]
    if dates:
        edges += [({name: day for name in dates}, None) for day in ("0001-01-01", "9999-12-31")]
    return edges


@settings(max_examples=8, **FUZZ_SETTINGS)
@given(period=st.integers(1, 32_767), unit=st.sampled_from(["days", "months", "years"]))
@example(period=8_000, unit="years")
def test_a_retention_period_the_form_accepts_keeps_decisions_possible(
    period, unit, world, as_user, rolled_back
):
    """A period the functioneel beheerder may save must be one the system can compute a
    deletion date with: the next casusoverleg decision starts its clock."""
    EXAMPLES["retention period, then a decision"] += 1
    voters = [world.user(Role.MEMBER, OWN), world.user(Role.MEMBER, SAME)]
    with rolled_back():
        response, server_error = _submit(
            as_user(world.user(Role.ADMIN, OWN)), "post",
            _url("retention:rule", basis="casusoverleg"),
            {"opslaan": "1", "period": str(period), "unit": unit, "anchor": "outcome",
             "legal_source": "Modelconvenant 2017."},
        )
        assert server_error is None, server_error
        if response.status_code != 302:
            return  # refused: nothing was saved
        for voter in voters:
            vote(voter, world.open_item, Outcome.CASUSOVERLEG, MOTIVATION)
        response, server_error = _submit(
            as_user(world.om_member), "post", _url("weegploeg:item", pk=world.open_item.pk),
            {"stem": "1", "outcome": Outcome.CASUSOVERLEG, "motivation": MOTIVATION},
        )
        assert server_error is None, (
            f"bewaartermijn {period} {unit} aanvaard, daarna geeft de beslissende stem een "
            f"500:\n{server_error}"
        )
        assert response.status_code == 302


def _errors(response):
    """The form errors of a re-rendered page, for a readable failure."""
    context = getattr(response, "context", None) or {}
    found = [form.errors for form in context.get("forms", []) if form is not None]
    if "adminform" in context:
        found.append(context["adminform"].form.errors)
    return f"{response.status_code}: {found}"


def _form_classes():
    """Every form class of the apps' forms modules and of the admin site (by model for the
    generated ModelForms of registered models)."""
    found = {}
    for label in COUNTED_APPS:
        try:
            module = importlib.import_module(f"{label}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[name] = cls.__module__
    for model in apps.get_models():
        if not beheer_site.is_registered(model):
            continue
        form = beheer_site.get_model_admin(model).form
        if form.__module__.startswith("django."):
            found[model.__name__] = "beheer (generated)"
        else:
            found[form.__name__] = form.__module__
    return found


def test_every_form_is_fuzzed():
    fuzzed = {form for target in TARGETS for form in target.forms}
    missing = sorted(set(_form_classes()) - fuzzed)
    assert not missing, f"formulieren zonder fuzz-doel in TARGETS: {missing}"


# -- every query parameter of every GET view ------------------------------------------------

# Read by a view that goes through all parameters (the admin's change lists): the names it
# knows, and any.
EVERY_PARAMETER = "*"
ADMIN_PARAMETERS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters",
                    "next", "partner__id__exact", "kind__exact", "is_active__exact"]
_recording = threading.local()


class RecordedQueryDict(QueryDict):
    """The query string of a request, noting which parameters the code reads."""

    def _note(self, key):
        read = getattr(_recording, "read", None)
        if read is not None and not getattr(_recording, "quiet", False):
            read.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def lists(self):
        self._note(EVERY_PARAMETER)
        return super().lists()

    def items(self):
        self._note(EVERY_PARAMETER)
        return super().items()

    def keys(self):
        self._note(EVERY_PARAMETER)
        return super().keys()

    def __iter__(self):
        self._note(EVERY_PARAMETER)
        return super().__iter__()

    def copy(self):
        # A copy to build links with (`?pagina=` kept, the rest encoded) is no reading.
        _recording.quiet = True
        try:
            return QueryDict(self.urlencode(), mutable=True)
        finally:
            _recording.quiet = False


class RecordQueryParameters:
    """Test middleware, first in line: the request's GET becomes a RecordedQueryDict."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordedQueryDict(request.META.get("QUERY_STRING", ""),
                                        encoding=request.encoding)
        return self.get_response(request)


def get_views(world):
    """(name, path, the (role, scope) of a user who gets the page) of every URL pattern that
    answers GET with a page (200) for some user: from the URLconf and the permission
    matrix, so a new view is in this list without being named here."""
    found = []
    for name, route, pattern in PATTERNS:
        expected = expected_for(name, route)
        if name in POST_DATA or not expected:
            continue
        viewer = next(((role, scope) for (role, scope), answer in expected.items()
                       if answer == OK), None)
        if viewer is None:
            continue
        found.append((name, url_path(world, name, route, pattern), viewer))
    return found


GET_VALUES = st.one_of(JUNK, BOUNDARY, st.sampled_from(["0001-01-01", "9999-12-31", "-1"]))
GET_EDGES = ("99999999999999999999", "-1", "0", "0001-01-01", "9999-12-31", "１２３", "١٢٣",
             "x" * 10_001, "a\x07b", "")
GET_REQUESTS = Counter()
GET_PARAMETERS = set()
GET_VIEWS = set()
FIGURES["GET views: views fuzzed (from the URLconf)"] = GET_VIEWS
FIGURES["GET views: requests with fuzzed query parameters"] = GET_REQUESTS
FIGURES["GET views: (view, query parameter) pairs covered"] = GET_PARAMETERS


def test_every_query_parameter_of_every_get_view_survives_fuzzing(
    world, as_user, rolled_back, request
):
    django_settings = request.getfixturevalue("settings")
    django_settings.MIDDLEWARE = [f"{__name__}.RecordQueryParameters",
                                  *django_settings.MIDDLEWARE]
    views = get_views(world)
    assert len(views) >= 40, [name for name, _path, _viewer in views]
    failures = []
    for name, path, (role, scope) in views:
        user = None if role == "anonymous" else world.user(role, scope)
        client = as_user(user)
        if user is not None and name.startswith("rights:subject_"):
            session = client.session
            session[SUBJECT_SESSION_KEY] = STATED_PURPOSE
            session.save()
        # Discovery: a bound request (one unknown parameter), so that the view's forms read
        # every field they have.
        _recording.read = set()
        with rolled_back():
            response, server_error = _submit(client, "get", path, {"fuzz-probe": "1"})
        read, _recording.read = _recording.read - {"fuzz-probe"}, None
        if server_error:
            failures.append(f"{name} {path} (zonder parameters):\n{server_error}")
            continue
        GET_VIEWS.add(name)
        read_by_name = sorted(read - {EVERY_PARAMETER})
        if EVERY_PARAMETER in read:
            read = (read - {EVERY_PARAMETER}) | set(ADMIN_PARAMETERS)
        parameters = sorted(read)
        GET_PARAMETERS.update((name, parameter) for parameter in parameters)
        if not parameters:
            continue

        fuzz = given(query=st.dictionaries(
            st.sampled_from(parameters),
            st.one_of(GET_VALUES, st.lists(GET_VALUES, min_size=2, max_size=3)),
            min_size=1,
        ))(_get_request(name, path, client, rolled_back))
        # Each boundary value in every parameter at once, and in each parameter the view
        # reads by name on its own (where the others, absent, cannot make the form invalid
        # before the value is used).
        for value in GET_EDGES:
            fuzz = example(query=dict.fromkeys(parameters, value))(fuzz)
            for parameter in read_by_name:
                fuzz = example(query={parameter: value})(fuzz)
        try:
            settings(max_examples=8, **FUZZ_SETTINGS)(fuzz)()
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


def _get_request(name, path, client, rolled_back):
    def request(query):
        GET_REQUESTS[name] += 1
        with rolled_back():
            response, server_error = _submit(client, "get", path, query)
        assert server_error is None, f"500 op GET {name} {path} {query!r}:\n{server_error}"
        assert response.status_code < 500, (name, query, response.status_code)

    return request
