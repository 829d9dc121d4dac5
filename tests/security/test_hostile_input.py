"""Hostile and careless input (issue 16): what an outside bad-input battery found that the
fuzzing missed. Each test names one finding; none may end in a 500, a database message or an
English page."""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from pga.models import AuditEntry
from retention.forms import RuleForm
from retention.models import RetentionRule
from signals.forms import PersonForm
from tests.security.conftest import FIGURES

DOMAIN_APPS = ("pga", "signals", "criteria", "weegploeg", "retention")
LOGIN_PATH = "/account/login/"


# -- 1. no 500, authenticated or not ---------------------------------------------------------


def test_login_with_a_username_longer_than_any_account_is_refused_without_an_error(client, db):
    response = client.post(LOGIN_PATH, {
        "login_view-current_step": "auth", "auth-username": "a" * 300 + "@example.nl",
        "auth-password": "geen-wachtwoord",
    })
    assert response.status_code == 200
    assert "auth-username" in response.content.decode()


def test_queue_page_number_beyond_64_bits_shows_the_last_page(login, members, signal):
    client = login(members["gemeente"])
    response = client.get(reverse("signals:queue"), {"pagina": "99999999999999999999"})
    assert response.status_code == 200
    assert signal.reference in response.content.decode()


@pytest.mark.parametrize("date_to", ["9999-12-31", "0001-01-01"])
def test_statistics_up_to_the_end_of_the_calendar_is_refused_with_a_dutch_message(
    login, members, date_to
):
    client = login(members["gemeente"])
    response = client.get(reverse("statistics:dashboard"), {"date_to": date_to})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert all("Beperking" not in message for messages in form.errors.values()
               for message in messages)


def test_statistics_for_the_last_months_of_the_calendar_are_shown(login, members):
    client = login(members["gemeente"])
    response = client.get(reverse("statistics:dashboard"),
                          {"date_from": "9999-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert len(response.context["figures"].per_month) == 12


# -- 2. bounded free text --------------------------------------------------------------------


def _free_text_fields():
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is AuditEntry or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.TextField):
                    yield model, field


FREE_TEXT_FIELDS = list(_free_text_fields())


@pytest.mark.parametrize(
    ("model", "field"), FREE_TEXT_FIELDS,
    ids=[f"{m._meta.label}.{f.name}" for m, f in FREE_TEXT_FIELDS],
)
def test_every_free_text_has_a_maximum_in_the_form_and_in_the_database(model, field, db):
    assert field.max_length, f"{model._meta.label}.{field.name} heeft geen maximumlengte"
    assert field.formfield().max_length == field.max_length
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'c'",
            [model._meta.db_table],
        )
        checks = [row[0] for row in cursor.fetchall()]
    assert f"(length({field.column}) <= {field.max_length})" in " ".join(checks), (
        f"de database begrenst {model._meta.db_table}.{field.column} niet: {checks}"
    )


def test_a_description_over_its_maximum_is_refused_by_the_registration_form(login, meldpunt,
                                                                            weegploeg):
    from signals.models import Signal

    client = login(meldpunt)
    response = client.post(reverse("signals:register"), {
        "signaal-received_on": "2026-11-01", "signaal-behaviour_from": "2026-10-01",
        "signaal-source_category": "burger", "signaal-phenomenon": "jihadisme",
        "signaal-description": "x" * (Signal._meta.get_field("description").max_length + 1),
        "betrokkene-first_names": "Anna", "betrokkene-surname": "Visser",
        "betrokkene-municipality": str(weegploeg.gemeente.pk),
    })
    assert response.status_code == 200
    assert "signaal-description" in response.content.decode()
    assert not Signal.objects.exists()


def test_the_registration_form_shows_the_maximum_of_the_description(login, meldpunt):
    page = login(meldpunt).get(reverse("signals:register")).content.decode()
    assert 'maxlength="10000"' in page
    assert "Hoogstens 10.000 tekens." in page
    assert 'data-template="{count} van 10.000 tekens"' in page


# -- 3. identifiers in ASCII digits, names without control characters, Dutch constraints -----


def _person_form(**changes):
    data = {"first_names": "Anna", "surname": "Visser", "date_of_birth": "1990-05-01"}
    data.update(changes)
    return PersonForm(data=data)


@pytest.mark.parametrize("bsn", ["１１１２２２３３３", "١١١٢٢٢٣٣٣", "۱۱۱۲۲۲۳۳۳"])
def test_a_bsn_in_other_digits_than_ascii_is_refused_on_the_field(bsn, db):
    form = _person_form(bsn=bsn)
    assert not form.is_valid()
    assert "bsn" in form.errors
    assert "Beperking" not in str(form.errors)


def test_a_bsn_with_spaces_is_accepted_as_its_digits(db):
    form = _person_form(bsn=" 111 222 333 ")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bsn"] == "111222333"


@pytest.mark.parametrize("field", ["label", "first_names", "surname_prefix", "surname",
                                   "address"])
@pytest.mark.parametrize("control", ["\x07", "\x1b[31m", "\u0085", "\x7f", "\u202e"])
def test_a_name_with_control_characters_is_refused(field, control, db):
    form = _person_form(**{field: f"Jan{control}nes"})
    assert not form.is_valid()
    assert field in form.errors


def test_a_retention_period_of_zero_is_refused_on_the_field_in_dutch(db):
    rule = RetentionRule.objects.first()
    form = RuleForm(data={"period": "0", "unit": rule.unit, "anchor": rule.anchor,
                          "legal_source": "Modelconvenant 2017."}, instance=rule)
    assert not form.is_valid()
    assert "period" in form.errors
    assert "Beperking" not in str(form.errors)


# -- 4. an invalid filter refuses the export -------------------------------------------------


@pytest.mark.parametrize("query", [{"date_from": "gisteren"}, {"action": "9"},
                                   {"actor": "99999999999999999999"}, {"person": "-1"}])
def test_audit_export_with_an_invalid_filter_is_refused_with_its_errors(login, auditor, signal,
                                                                        query):
    client = login(auditor)
    response = client.get(reverse("audit:export"), query)
    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors


def test_audit_log_with_an_invalid_filter_shows_no_entries(login, auditor, signal):
    client = login(auditor)
    response = client.get(reverse("audit:log"), {"date_from": "gisteren"})
    assert response.context["form"].errors
    assert not list(response.context["page"])


def test_queue_with_an_invalid_filter_shows_its_errors_and_no_signals(login, members, signal):
    client = login(members["gemeente"])
    response = client.get(reverse("signals:queue"), {"date_from": "9999-99-99"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert signal.reference not in response.content.decode()


# -- 5. heavy work off the request -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_deciding_vote_does_not_wait_for_the_decision_record_without_a_worker(
    settings, login, members, item, monkeypatch
):
    """The embedded run (no Redis, tasks eager): the record is made in a thread after the
    commit. It is held here until the vote's answer has come back."""
    from weegploeg import records
    from weegploeg.models import DecisionRecord, Outcome
    from weegploeg.services import cast_vote

    settings.EAGER_TASKS_IN_THREADS = True
    started, release = threading.Event(), threading.Event()
    render = records.create_decision_record

    def held(decision):
        started.set()
        release.wait(60)
        return render(decision)

    monkeypatch.setattr(records, "create_decision_record", held)
    motivation = "Feiten uit school en politie wijzen op toenemende geweldsbereidheid."
    cast_vote(members["gemeente"], item, Outcome.CASUSOVERLEG, motivation)
    cast_vote(members["politie"], item, Outcome.CASUSOVERLEG, motivation)
    response = login(members["om"]).post(
        reverse("weegploeg:item", args=[item.pk]),
        {"stem": "1", "outcome": Outcome.CASUSOVERLEG, "motivation": motivation},
    )
    assert response.status_code == 302
    assert started.wait(30), "het besluitverslag wordt niet gemaakt"
    assert not DecisionRecord.objects.exists()
    release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("achtergrond-"):
            thread.join(120)
    assert DecisionRecord.objects.filter(decision__item=item).count() == 1


SLOWEST = Counter()
FIGURES["slowest request around a 100 000-character description (ms)"] = SLOWEST


def _text(length, words="Waargenomen gedrag op school volgens de mentor. "):
    return (words * (length // len(words) + 1))[:length]


def _timed(client, url, data=None, method="get"):
    started = time.perf_counter()
    response = getattr(client, method)(url, data or {})
    if response.streaming:
        response.getvalue()
    elapsed = round((time.perf_counter() - started) * 1000)
    SLOWEST["ms"] = max(SLOWEST["ms"], elapsed)
    return response, elapsed


def test_a_100_000_character_description_is_refused_and_a_maximal_dossier_is_served(
    login, meldpunt, weegploeg, members, coordinator, session, beheerder,
    django_capture_on_commit_callbacks, request
):
    """The closing figure: a description of 100 000 characters is refused; the pages, the
    record and the AVG exports of a dossier whose every text is at its maximum are served.
    The times of each request are reported (no time limit: the machine is shared)."""
    from criteria.assessments import record_joint_assessment
    from criteria.inputs import JudgementInput
    from criteria.models import CONCLUSION_MAX_LENGTH, SUBSTANTIATION_MAX_LENGTH
    from signals.models import CONTENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, Signal
    from signals.services import add_contribution
    from tests.criteria.factories import scale_value
    from tests.signals.factories import person_fields, register
    from weegploeg.models import MOTIVATION_MAX_LENGTH, REASONING_MAX_LENGTH, Outcome
    from weegploeg.services import add_to_agenda, cast_vote, prepare_decision

    times = {}
    response, times["registratie met 100 000 tekens"] = _timed(
        login(meldpunt), reverse("signals:register"), {
            "signaal-received_on": "2026-11-01", "signaal-behaviour_from": "2026-10-01",
            "signaal-source_category": "burger", "signaal-phenomenon": "jihadisme",
            "signaal-description": _text(100_000), "betrokkene-surname": "Visser",
            "betrokkene-municipality": str(weegploeg.gemeente.pk),
        }, method="post")
    assert response.status_code == 200
    assert not Signal.objects.exists()

    signal = register(meldpunt, weegploeg=weegploeg, description=_text(DESCRIPTION_MAX_LENGTH),
                      person=person_fields(bsn="111222333", municipality=weegploeg.gemeente))
    record_joint_assessment(members["gemeente"], signal, [
        JudgementInput(criterion=n, scale_value=scale_value(n, 2).pk, source="Mentor",
                       substantiation=_text(SUBSTANTIATION_MAX_LENGTH)) for n in range(1, 6)
    ], _text(CONCLUSION_MAX_LENGTH))
    for member in members.values():
        add_contribution(member, signal, {
            "source": "Registratie", "information_date": datetime.date(2026, 10, 1),
            "content": _text(CONTENT_MAX_LENGTH), "visibility": "weegploeg"})
    item = add_to_agenda(coordinator, session, signal)
    prepare_decision(coordinator, item, invited_parties=["zorg_ggz"],
                     joint_reasoning=_text(REASONING_MAX_LENGTH))
    with django_capture_on_commit_callbacks(execute=True):
        for member in members.values():
            decision = cast_vote(member, item, Outcome.CASUSOVERLEG,
                                 _text(MOTIVATION_MAX_LENGTH))
    record = decision.records.get()

    member = login(members["gemeente"])
    for label, url in [("signaalpagina", reverse("signals:detail", args=[signal.pk])),
                       ("besluitpagina", reverse("weegploeg:decision", args=[decision.pk])),
                       ("besluitverslag", reverse("weegploeg:record", args=[record.pk])),
                       ("overdracht", reverse("weegploeg:handover", args=[decision.pk]))]:
        response, times[label] = _timed(member, url)
        assert response.status_code == 200, label
    officer = login(beheerder)
    officer.post(reverse("rights:subject_search"),
                 {"purpose": "inzageverzoek", "case_number": "AVG-1", "bsn": "111222333"})
    # The AVG export is asked for (the request answers at once), built in the background
    # (not timed: no request waits for it), and downloaded.
    from rights.models import SubjectAccessExport

    for export_format in ("json", "pdf"):
        with django_capture_on_commit_callbacks() as build:
            response, times[f"AVG-export {export_format} aanvragen"] = _timed(
                officer, reverse("rights:subject_export", args=[signal.person_id]),
                {"export_format": export_format}, method="post")
        assert response.status_code == 302, export_format
        for callback in build:
            callback()
        export = SubjectAccessExport.objects.latest("pk")
        response, times[f"AVG-export {export_format} downloaden"] = _timed(
            officer, reverse("rights:subject_export_download", args=[signal.person_id,
                                                                     export.pk]))
        assert response.status_code == 200, export_format
    request.node.user_properties.append(("ms", times))
    print("\n" + ", ".join(f"{label}: {ms} ms" for label, ms in times.items()))


# -- 6. Dutch error pages in the site's layout -----------------------------------------------


def test_page_not_found_is_dutch_in_the_site_layout(login, members):
    client = login(members["gemeente"])
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page
    assert 'class="utrecht-page-header site-header"' in page
    assert "Not Found" not in page


def test_forbidden_is_dutch_in_the_site_layout(login, members):
    client = login(members["gemeente"])
    response = client.get(reverse("audit:log"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Geen toegang" in page
    assert 'class="utrecht-page-header site-header"' in page


def test_bad_request_is_dutch_in_the_site_layout(client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/account/login/", HTTP_HOST="kwaadwillend.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ongeldig verzoek" in page
    assert 'class="utrecht-page-header site-header"' in page
    assert "Bad Request" not in page


def test_csrf_failure_stays_dutch(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(LOGIN_PATH, {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Forbidden" not in page
    assert 'class="utrecht-page-header site-header"' in page


@pytest.mark.urls("tests.security.failing_urls")
def test_server_error_is_dutch_with_a_reference_and_no_technical_detail(client, db):
    client.raise_request_exception = False
    response = client.get("/faalt/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Er ging iets mis" in page
    assert "geheime technische details" not in page
    assert "Traceback" not in page
    assert 'class="utrecht-page-header site-header"' in page
    assert f"Referentie: {response['X-Request-ID']}" in page
