"""Bad input on registration: a clear Dutch error next to the field, the typed input kept,
nothing saved (no signal, no person, no file)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pga.models import AuditEntry
from signals.models import Attachment, Person, Signal

VALID = {
    "betrokkene-first_names": "Sara",
    "betrokkene-surname": "de Vries",
    "betrokkene-date_of_birth": "2005-02-03",
    "signaal-received_on": "2026-11-02",
    "signaal-source_category": "professional",
    "signaal-source_sector": "onderwijs",
    "signaal-description": "Deelde filmpjes van geweld in de klassenapp.",
    "signaal-behaviour_from": "2026-10-28",
    "signaal-phenomenon": "rechts_extremisme",
}


@pytest.fixture
def post(client, login, meldpunt, weegploeg):
    login(meldpunt)

    def do_post(files=None, **changes):
        data = {**VALID, "betrokkene-municipality": weegploeg.gemeente.pk, **changes}
        data = {key: value for key, value in data.items() if value is not None}
        if files:
            data["signaal-attachments"] = files
        return client.post(reverse("signals:register"), data)

    return do_post


def assert_refused(response, field_id, message):
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    # The message sits next to the field and the field points at it.
    assert f'id="{field_id}_error"' in body
    assert f'aria-describedby="{field_id}_error"' in body or f'{field_id}_error"' in body
    assert not Signal.objects.exists()
    assert not Person.objects.exists()
    assert not Attachment.objects.exists()


def test_bsn_failing_the_eleven_check_is_refused(post):
    response = post(**{"betrokkene-bsn": "123456789"})
    assert_refused(response, "id_betrokkene-bsn", "elfproef")
    assert 'value="123456789"' in response.content.decode()
    assert "Deelde filmpjes van geweld in de klassenapp." in response.content.decode()


@pytest.mark.parametrize("postcode", ["abc", "0123 AB", "1234 SS", "12345", "1234 A",
                                      "１２３４ AB", "1234-AB"])
def test_a_postcode_that_is_not_dutch_is_refused(post, postcode):
    response = post(**{"betrokkene-postcode": postcode})
    assert_refused(response, "id_betrokkene-postcode", "Vul een Nederlandse postcode in")


@pytest.mark.parametrize("typed", ["1234 AB", "1234ab", "1234 ab"])
def test_a_dutch_postcode_is_kept_as_postnl_writes_it(post, typed):
    post(**{"betrokkene-postcode": typed})
    assert Person.objects.get().postcode == "1234 AB"


def test_date_of_birth_in_the_future_is_refused(post):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    assert_refused(
        post(**{"betrokkene-date_of_birth": future}),
        "id_betrokkene-date_of_birth",
        "De geboortedatum ligt in de toekomst.",
    )


def test_implausibly_old_date_of_birth_is_refused(post):
    assert_refused(
        post(**{"betrokkene-date_of_birth": "1850-01-01"}),
        "id_betrokkene-date_of_birth",
        "niet aannemelijk",
    )


def test_missing_description_is_refused(post):
    assert_refused(
        post(**{"signaal-description": "   "}), "id_signaal-description", "Dit veld is verplicht."
    )


def test_professional_source_needs_a_sector(post):
    assert_refused(
        post(**{"signaal-source_sector": ""}),
        "id_signaal-source_sector",
        "Kies de sector van de professional.",
    )


def test_behaviour_period_must_be_ordered(post):
    assert_refused(
        post(**{"signaal-behaviour_to": "2026-10-01"}),
        "id_signaal-behaviour_to",
        "De einddatum ligt vóór de begindatum.",
    )


def test_file_over_20_mb_is_refused(post, settings, _private_storage):
    big = SimpleUploadedFile("groot.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    response = post(files=[big])
    assert_refused(response, "id_signaal-attachments", "groter dan 20 MB")
    assert not any(_private_storage.rglob("*")) if _private_storage.exists() else True


def test_executable_renamed_to_pdf_is_refused(post, _private_storage):
    exe = SimpleUploadedFile(
        "rapport.pdf", b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 400,
        content_type="application/pdf",
    )
    response = post(files=[exe])
    assert_refused(response, "id_signaal-attachments", "geen toegestaan type")
    assert not _private_storage.exists() or not any(_private_storage.rglob("*"))


def test_script_tags_in_text_are_rendered_escaped(client, post):
    response = post(**{"signaal-description": "<script>alert('x')</script> gezien"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_valid_registration_with_attachments_stores_file_outside_the_web_root(
    client, post, _private_storage, settings
):
    text = SimpleUploadedFile("notitie.txt", b"Gesprek met mentor.\n")
    response = post(files=[text])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    path = _private_storage / attachment.file.name
    assert path.exists()
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    assert "notitie" not in attachment.file.name


def test_failed_attachment_write_leaves_no_file_behind(meldpunt, weegploeg, _private_storage,
                                                        monkeypatch):
    from signals import services
    from tests.signals.factories import register

    def broken_event(*args, **kwargs):
        raise RuntimeError("database weg")

    monkeypatch.setattr(services, "sync_signal_permissions", broken_event)
    text = SimpleUploadedFile("a.txt", b"tekst\n")
    with pytest.raises(RuntimeError):
        register(meldpunt, weegploeg=weegploeg, attachments=[(text, "text/plain")])
    assert not Signal.objects.exists()
    assert not [p for p in _private_storage.rglob("*") if p.is_file()]


form_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=3000,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    description=form_text,
    surname=form_text,
    bsn=st.one_of(st.text(max_size=12), st.from_regex(r"[0-9]{9}", fullmatch=True)),
    date=st.one_of(st.dates().map(str), st.text(max_size=12)),
)
def test_random_registration_input_never_gives_a_500_or_half_a_record(
    client, login, meldpunt, weegploeg, description, surname, bsn, date
):
    login(meldpunt)
    before = (Signal.objects.count(), Person.objects.count())
    response = client.post(reverse("signals:register"), {
        **VALID,
        "betrokkene-municipality": weegploeg.gemeente.pk,
        "betrokkene-surname": surname,
        "betrokkene-bsn": bsn,
        "betrokkene-date_of_birth": date,
        "signaal-description": description,
    })
    assert response.status_code in (200, 302)
    after = (Signal.objects.count(), Person.objects.count())
    if response.status_code == 200:
        assert after == before
    else:
        assert after[0] == before[0] + 1
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists()
