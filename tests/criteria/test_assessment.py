"""The weging of a signal on the five criteria (docs/design.md §3 rule 3, §4.2 authorisation)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse

from criteria import assessments, selectors
from criteria.inputs import InvalidInput, JudgementInput, ObservationInput
from criteria.models import Assessment, IndicatorObservation, Judgement
from pga.models import AuditEntry, PartnerKind, ProcessingActivity, Role
from pga.services import RuleViolation
from signals.models import ContributionVisibility, EventKind, SignalStatus
from signals.services import withdraw_signal
from tests.criteria.factories import (
    SUBSTANTIATION,
    form_data,
    judgements,
    published,
    scale_value,
    unknown,
)
from tests.criteria.test_framework import new_version
from tests.factories import PartnerFactory
from tests.signals.factories import register


def url(name, signal, *args):
    return reverse(f"criteria:{name}", args=[signal.pk, *args])


# -- completeness ---------------------------------------------------------------------------


def test_assessment_is_complete_only_when_every_criterion_has_a_value_and_substantiation(
    signal, members
):
    member = members["gemeente"]
    partial = assessments.record_joint_assessment(
        member, signal, judgements(skip={4}), "Voorlopig."
    )
    assert Judgement.objects.filter(assessment=partial).count() == 4
    assert not selectors.is_complete(partial)
    assert not selectors.has_complete_assessment(signal)

    with_unknown = judgements(c4=JudgementInput(criterion=4, scale_value=unknown(4).pk))
    complete = assessments.record_joint_assessment(member, signal, with_unknown, "Compleet.")
    assert selectors.is_complete(complete)
    assert selectors.has_complete_assessment(signal)
    assert selectors.latest_joint_assessment(signal) == complete

    # A value other than "onbekend" without facts (stored by some other way) is not complete.
    Judgement.objects.filter(assessment=complete, criterion__number=2).update(substantiation=" ")
    assert not selectors.is_complete(Assessment.objects.get(pk=complete.pk))


def test_a_partner_view_counts_towards_nothing_only_the_joint_assessment_is_complete(
    signal, members
):
    assessments.record_partner_assessment(members["politie"], signal, judgements())
    assert not selectors.has_complete_assessment(signal)


def test_missing_substantiation_is_refused_with_a_dutch_error_and_nothing_saved(
    client, login, signal, members
):
    member = members["gemeente"]
    without_facts = judgements(c2=JudgementInput(criterion=2, scale_value=scale_value(2, 3).pk))
    events = signal.events.count()
    with pytest.raises(InvalidInput) as refused:
        assessments.record_joint_assessment(member, signal, without_facts, "Conclusie.")
    assert "Onderbouw dit oordeel met feiten" in refused.value.errors["c2-substantiation"]
    assert not Assessment.objects.exists() and not Judgement.objects.exists()
    assert signal.events.count() == events

    login(member)
    data = form_data(conclusion="Conclusie.", **{"c2-substantiation": "  "})
    data["i1-observed_facts"] = "Nieuwe vriendengroep."
    response = client.post(url("joint_assessment", signal), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Onderbouw dit oordeel met feiten" in form.errors["c2-substantiation"][0]
    page = response.content.decode()
    assert 'id="id_c2-substantiation_error"' in page
    assert 'href="#id_c2-substantiation"' in page
    assert not Assessment.objects.exists() and not IndicatorObservation.objects.exists()


def test_a_chosen_value_may_not_lose_its_facts_and_facts_may_not_lose_their_value(
    signal, members
):
    facts_only = judgements(c3=JudgementInput(criterion=3, scale_value=None,
                                              substantiation="Woont sinds kort alleen."))
    with pytest.raises(InvalidInput) as refused:
        assessments.record_joint_assessment(members["om"], signal, facts_only, "Conclusie.")
    assert "Kies een oordeel" in refused.value.errors["c3-scale_value"]
    assert not Assessment.objects.exists()


def test_joint_assessment_needs_a_written_conclusion(client, login, signal, members):
    with pytest.raises(InvalidInput) as refused:
        assessments.record_joint_assessment(members["om"], signal, judgements(), "   ")
    assert "conclusie" in refused.value.errors["conclusion"].lower()
    login(members["om"])
    data = form_data(conclusion="", **{"c2-substantiation": ""})
    response = client.post(url("joint_assessment", signal), data)
    assert response.status_code == 200
    # All errors at once, each next to its own field.
    assert set(response.context["form"].errors) == {"conclusion", "c2-substantiation"}
    assert not Assessment.objects.exists()


# -- wrong values -------------------------------------------------------------------------------


def test_scale_value_of_another_criterion_is_refused(client, login, signal, members):
    member = members["politie"]
    crossed = judgements(c1=JudgementInput(
        criterion=1, scale_value=scale_value(5, 1).pk, substantiation=SUBSTANTIATION
    ))
    with pytest.raises(InvalidInput) as refused:
        assessments.record_partner_assessment(member, signal, crossed)
    assert "hoort niet bij de schaal van dit criterium" in refused.value.errors["c1-scale_value"]

    login(member)
    data = form_data(**{"c1-scale_value": scale_value(5, 1).pk})
    response = client.post(url("partner_assessment", signal), data)
    assert response.status_code == 200
    assert "hoort niet bij de schaal van dit criterium" in (
        response.context["form"].errors["c1-scale_value"][0]
    )
    assert not Assessment.objects.exists() and not Judgement.objects.exists()


def test_scale_value_of_another_version_is_refused(client, login, signal, members, beheerder):
    v1 = published()
    old_values = judgements(framework=v1)
    old_form = form_data(framework=v1)
    new_version(beheerder)
    member = members["gemeente"]
    with pytest.raises(InvalidInput) as refused:
        assessments.record_partner_assessment(member, signal, old_values)
    assert set(refused.value.errors) == {f"c{n}-scale_value" for n in range(1, 6)}
    assert "versie 2" in refused.value.errors["c1-scale_value"]

    login(member)
    response = client.post(url("partner_assessment", signal), old_form)
    assert response.status_code == 200
    form = response.context["form"]
    assert "intussen vernieuwd" in form.non_field_errors()[0]
    assert form.errors["c3-scale_value"]
    assert 'name="framework_version" value="2"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_garbage_input_gives_dutch_errors_never_a_500(client, login, signal, members):
    login(members["politie"])
    data = form_data(**{"c1-scale_value": "abc", "c2-scale_value": "999999",
                        "framework_version": "x", "visibility": "iedereen"})
    response = client.post(url("partner_assessment", signal), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"c1-scale_value", "c2-scale_value", "visibility"} <= set(errors)
    assert not Assessment.objects.exists()


def test_observation_on_an_unknown_indicator_is_refused(signal, members):
    with pytest.raises(InvalidInput) as refused:
        assessments.record_partner_assessment(
            members["om"], signal, judgements(),
            [ObservationInput(indicator=42, observed_facts="Reist veel.")],
        )
    assert "i42-observed_facts" in refused.value.errors
    assert not Assessment.objects.exists()


# -- no totals -------------------------------------------------------------------------------

NO_TOTALS = re.compile(r"score|totaal|punten|optelsom van", re.IGNORECASE)


def test_no_total_score_is_computed_or_shown(client, login, signal, members):
    for model in (Assessment, Judgement):
        names = {f.name for f in model._meta.get_fields()}
        assert not {n for n in names if NO_TOTALS.search(n) or "total" in n or "sum" in n}
    templates = Path(settings.BASE_DIR, "templates", "criteria")
    for template in templates.glob("*.html"):
        assert not NO_TOTALS.search(template.read_text()), template.name

    member = members["gemeente"]
    first = assessments.record_joint_assessment(member, signal, judgements(position=1), "Eerst.")
    assessments.record_joint_assessment(member, signal, judgements(position=3), "Daarna.")
    context = selectors.signal_page_context(member, signal)
    assert not any(NO_TOTALS.search(key) for key in context["weging"])
    login(member)
    pages = [
        client.get("/referentiekader/"),
        client.get(url("joint_assessment", signal)),
        client.get(url("partner_assessment", signal)),
        client.get(url("assessment", signal, first.pk)),
    ]
    rendered = [p.content.decode() for p in pages]
    rendered.append(render_to_string("criteria/_signal_assessments.html", context))
    for page in rendered:
        assert not NO_TOTALS.search(page)


# -- who may enter and see ------------------------------------------------------------------


def test_member_cannot_enter_the_view_of_another_partner(
    client, login, signal, members, coordinator, meldpunt, weegploeg, make_user
):
    politie = members["politie"]
    login(politie)
    data = form_data(partner=weegploeg.om.pk, **{"c1-source_partner": weegploeg.om.pk})
    response = client.post(url("partner_assessment", signal), data)
    assert response.status_code == 302
    view = Assessment.objects.get()
    assert view.partner == weegploeg.politie and view.author == politie
    assert {j.source_partner_id for j in view.judgements.all()} == {weegploeg.politie.pk}

    # Another partner's member records that partner's own view; it supersedes nothing of
    # the politie's.
    om_view = assessments.record_partner_assessment(members["om"], signal, judgements())
    assert om_view.partner == weegploeg.om and om_view.supersedes is None

    # Only members enter a partner's view: not the coordinator, not the meldpunt, not a
    # gemeente of the same regional weegploeg that is not the person's municipality.
    other_gemeente = PartnerFactory(kind=PartnerKind.GEMEENTE, weegploeg=weegploeg)
    for user in [coordinator, meldpunt, make_user(other_gemeente, Role.MEMBER)]:
        with pytest.raises(RuleViolation):
            assessments.record_partner_assessment(user, signal, judgements())
    client.logout()
    login(coordinator)
    assert client.get(url("partner_assessment", signal)).status_code == 403
    assert Assessment.objects.count() == 2


def test_joint_assessment_is_recorded_by_members_and_the_coordinator_only(
    client, login, signal, coordinator, meldpunt
):
    assessment = assessments.record_joint_assessment(
        coordinator, signal, judgements(), "Conclusie."
    )
    assert assessment.partner is None and assessment.is_joint
    with pytest.raises(RuleViolation):
        assessments.record_joint_assessment(meldpunt, signal, judgements(), "Conclusie.")
    login(meldpunt)
    # The registrar sees its registration, not the weegploeg's dossier: 404, not 403.
    assert client.get(url("joint_assessment", signal)).status_code == 404


def test_politie_member_of_other_weegploeg_gets_404_on_assessment_pages(
    client, login, signal, members, outsider
):
    assessment = assessments.record_joint_assessment(
        members["gemeente"], signal, judgements(), "Conclusie."
    )
    login(outsider)
    for page in [url("partner_assessment", signal), url("joint_assessment", signal),
                 url("assessment", signal, assessment.pk)]:
        assert client.get(page).status_code == 404, page
        assert client.post(page, form_data(conclusion="x")).status_code in (404, 405), page
    assert selectors.assessments_for(outsider, signal) == []
    with pytest.raises(RuleViolation):
        assessments.record_joint_assessment(outsider, signal, judgements(), "Conclusie.")
    assert Assessment.objects.count() == 1


def test_an_assessment_is_only_found_under_its_own_signal(
    client, login, signal, members, meldpunt, weegploeg
):
    other = assessments.record_joint_assessment(members["om"], signal, judgements(), "Conclusie.")
    second = register(meldpunt, weegploeg=weegploeg)
    login(members["om"])
    assert client.get(url("assessment", second, other.pk)).status_code == 404


def test_shielded_partner_view_hides_content_from_other_partners(
    client, login, signal, members
):
    secret = "Loopt een strafrechtelijk onderzoek, zaaknummer 4711."
    shielded = judgements(c1=JudgementInput(
        criterion=1, scale_value=scale_value(1, 4).pk, substantiation=secret
    ))
    view = assessments.record_partner_assessment(
        members["politie"], signal, shielded, visibility=ContributionVisibility.OWN_PARTNER
    )
    for user, hidden in [(members["om"], True), (members["gemeente"], True),
                         (members["politie"], False)]:
        (entry,) = selectors.assessments_for(user, signal)
        assert entry.shielded is hidden
        html = render_to_string(
            "criteria/_signal_assessments.html", selectors.signal_page_context(user, signal)
        )
        assert (secret in html) is False  # the include shows labels only
        assert ("afgeschermde weging" in html) is hidden
        assert ("sterke aanwijzingen" in html) is not hidden
        client.logout()
        login(user)
        page = client.get(url("assessment", signal, view.pk)).content.decode()
        assert (secret in page) is not hidden
        assert ("alleen zichtbaar voor die organisatie" in page) is hidden
    accesses = AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, content_type=ContentType.objects.get_for_model(Assessment)
    )
    assert list(accesses.values_list("actor", flat=True)) == [members["politie"].pk]


# -- history and changes ---------------------------------------------------------------------


def test_reassessment_keeps_the_earlier_one_and_shows_changes(client, login, signal, members):
    member = members["gemeente"]
    first = assessments.record_joint_assessment(member, signal, judgements(position=1), "Eerst.")
    changed = judgements(position=1, c1=JudgementInput(
        criterion=1, scale_value=scale_value(1, 3).pk, substantiation="Nieuwe uitlatingen."
    ))
    second = assessments.record_joint_assessment(members["om"], signal, changed, "Daarna.")
    assert second.supersedes == first
    assert Assessment.objects.filter(pk=first.pk).exists()
    assert selectors.latest_joint_assessment(signal) == second

    changes = {c.number: c for c in selectors.changes_between(first, second)}
    assert (changes[1].old_label, changes[1].new_label) == (
        "geen aanwijzingen", "duidelijke aanwijzingen"
    )
    assert changes[1].value_changed and changes[1].substantiation_changed
    assert not changes[2].value_changed and not changes[2].substantiation_changed

    context = selectors.signal_page_context(members["politie"], signal)
    assert context["weging"]["latest_joint"].assessment == second
    assert [e.assessment for e in context["weging"]["history"]] == [second, first]
    # The history marks exactly the replaced one.
    assert [e.assessment.superseded for e in context["weging"]["history"]] == [False, True]
    html = render_to_string("criteria/_signal_assessments.html", context)
    assert "Wat is veranderd" in html
    assert "geen aanwijzingen" in html and "duidelijke aanwijzingen" in html

    login(members["politie"])
    page = client.get(url("assessment", signal, second.pk)).content.decode()
    assert "Wat is veranderd" in page and url("assessment", signal, first.pk) in page
    # The earlier one links to the one that replaced it.
    earlier = client.get(url("assessment", signal, first.pk)).content.decode()
    assert "Vervangen door" in earlier and url("assessment", signal, second.pk) in earlier
    assert html.count("(vervangen)") == 1
    # The form to re-assess starts from the current assessment.
    form = client.get(url("joint_assessment", signal)).context["form"]
    assert form["c1-scale_value"].value() == scale_value(1, 3).pk


def test_a_partner_reassessment_supersedes_only_that_partners_own_view(signal, members):
    first = assessments.record_partner_assessment(members["politie"], signal, judgements())
    assessments.record_partner_assessment(members["om"], signal, judgements())
    second = assessments.record_partner_assessment(members["politie"], signal, judgements(3))
    assert second.supersedes == first
    latest = selectors.signal_page_context(members["om"], signal)["weging"]["partner_views"]
    assert {e.assessment.partner_id: e.assessment.pk for e in latest}[second.partner_id] == (
        second.pk
    )


def test_a_closed_signal_is_no_longer_assessed(client, login, signal, coordinator, members):
    withdraw_signal(coordinator, signal, "Dubbel geregistreerd, zie ander signaal.")
    with pytest.raises(RuleViolation):
        assessments.record_joint_assessment(members["om"], signal, judgements(), "Conclusie.")
    login(members["om"])
    assert client.get(url("joint_assessment", signal)).status_code == 403


# -- the screens, audit and timeline -----------------------------------------------------------


def test_recording_through_the_screen_is_audited_and_noted_on_the_timeline(
    client, login, signal, members
):
    member = members["om"]
    login(member)
    data = form_data(**{"i6-observed_facts": "Deelt filmpjes in een groepsapp.",
                        "visibility": ContributionVisibility.WEEGPLOEG})
    response = client.post(url("partner_assessment", signal), data)
    assessment = Assessment.objects.get()
    assert response.url == url("assessment", signal, assessment.pk)
    assert selectors.is_complete(assessment)
    assert assessment.observations.get().indicator.number == 6

    created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, actor=member)
    for model in (Assessment, Judgement, IndicatorObservation):
        entries = created.filter(content_type=ContentType.objects.get_for_model(model))
        assert entries.exists(), model
        assert {e.purpose for e in entries} == {ProcessingActivity.ASSESSMENT}
    assert created.filter(
        content_type=ContentType.objects.get_for_model(Judgement)
    ).count() == 5
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_PREPARATION
    assert signal.events.filter(kind=EventKind.ASSESSMENT, actor=member).exists()

    response = client.get(url("assessment", signal, assessment.pk))
    assert response.status_code == 200
    access = AuditEntry.objects.get(
        action=AuditEntry.Action.ACCESS, object_pk=str(assessment.pk),
        content_type=ContentType.objects.get_for_model(Assessment),
    )
    assert access.actor == member and access.purpose == ProcessingActivity.ASSESSMENT
    assert "Weging" in access.object_repr and "Jansen" not in access.object_repr


def test_assessment_pages_are_accessible_forms_with_a_radio_group_per_criterion(
    client, login, signal, members
):
    login(members["gemeente"])
    response = client.get(url("joint_assessment", signal))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<fieldset class="criterion"') >= 5
    assert page.count('type="radio" name="c1-scale_value"') == 5
    for criterion in published().criteria.all():
        assert f"<legend>{criterion.number}. {criterion.title}</legend>" in page
    assert 'name="c5-source_partner"' in page


def test_the_signal_page_shows_the_weging_section(client, login, signal, members):
    assessments.record_joint_assessment(members["om"], signal, judgements(1), "Eerst.")
    assessments.record_joint_assessment(members["om"], signal, judgements(2), "Daarna.")
    login(members["gemeente"])
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert 'id="kop-weging"' in page and "Wat is veranderd" in page
    assert url("joint_assessment", signal) in page and url("partner_assessment", signal) in page
