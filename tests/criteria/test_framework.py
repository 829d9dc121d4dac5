"""The referentiekader: versioned, published, public (docs/design.md §1 and §3 rule 3)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse

from criteria import assessments, frameworks
from criteria.inputs import CriterionInput, IndicatorInput, InvalidInput
from criteria.models import Criterion, Framework, FrameworkStatus, ScaleValue
from pga.models import AuditEntry, ProcessingActivity
from pga.services import RuleViolation
from tests.criteria.factories import judgements, published

FIVE_CRITERIA = [
    "Bereidheid om geweld te gebruiken of te propageren",
    "Vasthouden aan extremistische denkbeelden",
    "Sociale relaties",
    "Identificatie met een extremistische groep of ideologie",
    "Zelfredzaamheid",
]
NINE_AREAS = [
    "Opvallende contacten", "Gedrag", "Ideologie en overtuiging", "Geweld en criminaliteit",
    "Onvrede", "Propaganda", "Internationale contacten en bewegingen", "Sociale zorgen",
    "Training",
]


def draft_inputs(framework, **changes):
    """The update_draft arguments that keep `framework` as it is, with `changes` applied to
    criteria (c1_title=..., c5_scale=[...]) ."""
    criteria = []
    for c in framework.criteria.all():
        values = list(c.scale_values.all())
        criteria.append(CriterionInput(
            number=c.number,
            title=changes.get(f"c{c.number}_title", c.title),
            description=c.description,
            guidance_questions=c.guidance_questions,
            scale_labels=changes.get(
                f"c{c.number}_scale", [v.label for v in values if not v.is_unknown]
            ),
            unknown_label=next(v.label for v in values if v.is_unknown),
        ))
    indicators = [
        IndicatorInput(number=i.number, title=i.title, description=i.description)
        for i in framework.indicators.all()
    ]
    return {"notes": changes.get("notes", "Schaal van criterium 1 aangescherpt."),
            "criteria": criteria, "indicators": indicators}


def new_version(beheerder, **changes) -> Framework:
    draft = frameworks.create_draft(beheerder)
    frameworks.update_draft(beheerder, draft, **draft_inputs(draft, **changes))
    return frameworks.publish(beheerder, draft)


def test_public_framework_page_answers_without_login_and_names_all_five_criteria(client, db):
    response = client.get("/referentiekader/")
    assert response.status_code == 200
    page = response.content.decode()
    for title in FIVE_CRITERIA + NINE_AREAS:
        assert title in page, title
    assert page.count('<span class="scale-unknown">onbekend / onvoldoende informatie') == 5
    assert "Versiegeschiedenis" in page
    assert reverse("criteria:framework_version", args=[1]) in page
    assert 'media="print"' in page or "criteria.css" in page


def test_seeded_version_one_is_published_with_five_criteria_own_scales_and_nine_areas(db):
    framework = published()
    assert framework.version == 1
    assert [c.title for c in framework.criteria.all()] == FIVE_CRITERIA
    assert [i.title for i in framework.indicators.all()] == NINE_AREAS
    for criterion in framework.criteria.all():
        values = list(criterion.scale_values.all())
        assert sum(v.is_unknown for v in values) == 1
        assert len(values) >= 3
    self_reliance = framework.criteria.get(number=5).scale_values.exclude(is_unknown=True)
    # The polarity differs: for zelfredzaamheid the low-concern end is "zelfredzaam".
    assert [v.label for v in self_reliance] == [
        "zelfredzaam", "beperkt zelfredzaam", "niet zelfredzaam",
    ]
    violence = framework.criteria.get(number=1).scale_values.exclude(is_unknown=True)
    assert [v.label for v in violence][0] == "geen aanwijzingen"


def test_public_framework_page_holds_no_personal_data(
    client, signal, members, beheerder, weegploeg
):
    assessments.record_joint_assessment(
        members["politie"], signal, judgements(), "Zorgelijk beeld; bespreken in casusoverleg."
    )
    new_version(beheerder)
    for url in ["/referentiekader/", reverse("criteria:framework_version", args=[1])]:
        page = client.get(url).content.decode()
        for secret in ["Jansen", signal.reference, "Zorgelijk beeld", "mentor",
                       beheerder.full_name, beheerder.email, members["politie"].full_name]:
            assert secret not in page, (url, secret)


def test_drafts_are_never_public(client, beheerder):
    draft = frameworks.create_draft(beheerder)
    response = client.get(reverse("criteria:framework_version", args=[draft.version]))
    assert response.status_code == 404
    page = client.get("/referentiekader/").content.decode()
    assert f"Versie {draft.version}" not in page


def test_only_one_version_is_published_at_a_time(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(version=7, status=FrameworkStatus.PUBLISHED,
                                 published_at=published().published_at)


def test_every_scale_has_exactly_one_unknown_value(db):
    criterion = published().criteria.get(number=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScaleValue.objects.create(criterion=criterion, position=9, label="x", is_unknown=True)


def test_create_draft_copies_the_published_version_and_only_one_draft_exists(beheerder):
    draft = frameworks.create_draft(beheerder)
    assert draft.status == FrameworkStatus.DRAFT and draft.version == 2
    assert [c.title for c in draft.criteria.all()] == FIVE_CRITERIA
    assert draft.indicators.count() == 9
    copied = ScaleValue.objects.filter(criterion__framework=draft)
    assert copied.count() == ScaleValue.objects.filter(criterion__framework=published()).count()
    with pytest.raises(RuleViolation, match="Er is al een conceptversie"):
        frameworks.create_draft(beheerder)


def test_publishing_a_new_version_leaves_old_assessments_on_their_version(
    client, login, signal, members, beheerder
):
    old = assessments.record_joint_assessment(
        members["gemeente"], signal, judgements(position=1), "Eerste weging."
    )
    v2 = new_version(
        beheerder, c1_scale=["niets gebleken", "enige aanwijzing", "ernstige aanwijzing"]
    )
    old.refresh_from_db()
    assert old.framework.version == 1
    assert old.framework.status == FrameworkStatus.RETIRED
    assert old.judgements.get(criterion__number=1).scale_value.label == "geen aanwijzingen"
    assert v2.status == FrameworkStatus.PUBLISHED and Framework.objects.get(version=1).retired_at

    new = assessments.record_joint_assessment(
        members["gemeente"], signal, judgements(position=1, framework=v2), "Tweede weging."
    )
    assert new.framework == v2 and new.supersedes == old
    login(members["om"])
    page = client.get(reverse("criteria:assessment", args=[signal.pk, old.pk])).content.decode()
    assert "geen aanwijzingen" in page and "versie 1" in page
    public = client.get("/referentiekader/").content.decode()
    assert "niets gebleken" in public and "versie 2" in public
    retired = client.get(reverse("criteria:framework_version", args=[1])).content.decode()
    assert "geen aanwijzingen" in retired and "Vervallen" in retired


def test_editing_a_published_version_is_refused(client, login, beheerder):
    framework = published()
    with pytest.raises(RuleViolation, match="kan niet meer worden gewijzigd"):
        frameworks.update_draft(beheerder, framework, **draft_inputs(framework, c1_title="Nieuw"))
    login(beheerder)
    url = reverse("criteria:edit_draft", args=[framework.version])
    data = {"notes": "x", **{f"c{n}-title": "Nieuw" for n in range(1, 6)}}
    for c in framework.criteria.all():
        data[f"c{c.number}-description"] = c.description
        data[f"c{c.number}-unknown"] = "onbekend"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kan niet meer worden gewijzigd" in response.content.decode()
    assert not Criterion.objects.filter(framework=framework, title="Nieuw").exists()
    assert client.post(reverse("criteria:publish", args=[1])).status_code == 302
    assert Framework.objects.get(version=1).status == FrameworkStatus.PUBLISHED


def test_a_draft_scale_needs_two_values_and_unknown_and_nothing_is_saved_half(beheerder):
    draft = frameworks.create_draft(beheerder)
    inputs = draft_inputs(draft, c1_title="Gewijzigde titel", c2_scale=["alleen één"])
    with pytest.raises(InvalidInput) as refused:
        frameworks.update_draft(beheerder, draft, **inputs)
    assert "ten minste twee waarden" in refused.value.errors["c2-scale-1"]
    assert not draft.criteria.filter(title="Gewijzigde titel").exists()


def test_beheerder_edits_and_publishes_a_draft_through_the_screens(client, login, beheerder):
    login(beheerder)
    assert client.get(reverse("criteria:manage")).status_code == 200
    response = client.post(reverse("criteria:create_draft"))
    draft = Framework.objects.get(status=FrameworkStatus.DRAFT)
    assert response.url == reverse("criteria:edit_draft", args=[draft.version])
    form = client.get(response.url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({
        "notes": "Nieuwe waarde bij criterium 5.",
        "c5-scale-4": "volledig afhankelijk van anderen",
        "c3-scale-2": "",  # removes a value
        "i10-title": "Online gedrag",
    })
    response = client.post(response.url, data)
    assert response.status_code == 302, response.context["form"].errors
    labels = list(ScaleValue.objects.filter(criterion__framework=draft, criterion__number=5,
                                            is_unknown=False).values_list("label", flat=True))
    assert labels[-1] == "volledig afhankelijk van anderen"
    assert draft.criteria.get(number=3).scale_values.filter(is_unknown=False).count() == 3
    assert draft.indicators.count() == 10
    response = client.post(reverse("criteria:publish", args=[draft.version]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.PUBLISHED and draft.published_by == beheerder
    assert "Online gedrag" in client.get("/referentiekader/").content.decode()


def test_publishing_is_audited_with_the_beheerder_and_purpose(client, login, beheerder):
    login(beheerder)
    client.post(reverse("criteria:create_draft"))
    draft = Framework.objects.get(status=FrameworkStatus.DRAFT)
    draft.notes = "Versie 2."
    draft.save()
    client.post(reverse("criteria:publish", args=[draft.version]))
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Framework),
        action=AuditEntry.Action.UPDATE,
        actor=beheerder,
    )
    published_entry = entries.get(object_pk=str(draft.pk), changes__has_key="published_at")
    assert published_entry.changes["status"] == ["draft", "published"]
    assert published_entry.purpose == ProcessingActivity.MANAGEMENT
    assert entries.filter(object_pk=str(Framework.objects.get(version=1).pk)).exists()


def test_publishing_without_notes_is_refused(beheerder):
    draft = frameworks.create_draft(beheerder)
    with pytest.raises(RuleViolation, match="toelichting"):
        frameworks.publish(beheerder, draft)
    assert published().version == 1


def test_only_the_functioneel_beheerder_manages_the_framework(
    client, login, members, coordinator, beheerder
):
    with pytest.raises(RuleViolation, match="functioneel beheerder"):
        frameworks.create_draft(members["gemeente"])
    draft = frameworks.create_draft(beheerder)
    for user in [members["politie"], coordinator]:
        login(user)
        for url in [reverse("criteria:manage"),
                    reverse("criteria:edit_draft", args=[draft.version])]:
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("criteria:publish", args=[draft.version])).status_code == 403
        client.logout()
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.DRAFT
