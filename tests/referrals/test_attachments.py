"""Attachments on the public meldpunt form (issue 21, point 2): through the intake's upload
checks (`signals.validators.check_attachment`), at most MAX_ATTACHMENTS files of together at
most MAX_ATTACHMENTS_BYTES; kept with the referral, read only by the meldpunt of its gemeente
(audited), carried over to the signal on acceptance, removed with a referral that is not
accepted; never readable from the public side."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pga.models import AuditEntry
from referrals import services
from referrals.models import MAX_ATTACHMENTS, Submission, SubmissionAttachment
from signals.models import Attachment
from tests.referrals.factories import referral_data, submit, text_file

REPORT = b"Gespreksverslag mentor over Zorgenkind, 12 oktober.\n"
# A PNG's signature and header: sniffed as image/png whatever the name says.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _form_url(gemeente):
    return reverse("referrals:public_form", kwargs={"gemeente": gemeente.code})


def _stored(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _post(client, gemeente, *files, **overrides):
    return client.post(_form_url(gemeente), {**referral_data(**overrides),
                                             "attachments": list(files)})


# -- the public form ---------------------------------------------------------------------------


def test_the_public_form_is_multipart_and_offers_attachments(client, weegploeg):
    html = client.get(_form_url(weegploeg.gemeente)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'for="id_attachments"' in html


def test_attachments_are_stored_with_the_referral_under_a_name_of_their_own(
    client, weegploeg, _private_storage
):
    response = _post(client, weegploeg.gemeente, text_file("Zorgenkind-verslag.txt", REPORT),
                     SimpleUploadedFile("foto.png", PNG, content_type="image/png"))
    assert response.status_code == 200
    submission = Submission.objects.get()
    files = list(submission.attachments.order_by("pk"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("Zorgenkind-verslag.txt", "text/plain"), ("foto.png", "image/png")]
    assert files[0].size == len(REPORT)
    # The receipt page shows nothing of what was sent, the file name included.
    assert "Zorgenkind" not in response.content.decode()
    # Stored under a name of its own: the uploaded name may hold personal data.
    stored = _stored(_private_storage)
    assert len(stored) == 2 and not any("Zorgenkind" in str(p) for p in stored)


def test_a_file_of_a_type_not_allowed_is_refused_and_nothing_is_stored(
    client, weegploeg, _private_storage
):
    script = SimpleUploadedFile("verslag.pdf", b"#!/bin/sh\nrm -rf /\n" * 20,
                                content_type="application/pdf")
    response = _post(client, weegploeg.gemeente, script)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="foutmeldingen"' in html
    assert "geen toegestaan type" in html
    # The typed input is kept; the file has to be chosen again.
    assert "Het Voorbeeldcollege" in html
    assert not Submission.objects.exists() and _stored(_private_storage) == []


def test_more_files_than_the_limit_are_refused(client, weegploeg, _private_storage):
    files = [text_file(f"verslag{n}.txt") for n in range(MAX_ATTACHMENTS + 1)]
    response = _post(client, weegploeg.gemeente, *files)
    assert f"Stuur hoogstens {MAX_ATTACHMENTS} bestanden mee." in response.content.decode()
    assert not Submission.objects.exists() and _stored(_private_storage) == []


def test_files_together_larger_than_the_limit_are_refused(
    client, weegploeg, monkeypatch, _private_storage
):
    monkeypatch.setattr("referrals.forms.MAX_ATTACHMENTS_BYTES", len(REPORT) + 10)
    response = _post(client, weegploeg.gemeente, text_file("a.txt", REPORT),
                     text_file("b.txt", REPORT))
    assert "De bestanden zijn samen groter dan" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_failure_while_storing_leaves_neither_referral_nor_files(
    weegploeg, monkeypatch, _private_storage
):
    def broken(*args, **kwargs):
        raise RuntimeError("de wachtrij is weg")

    monkeypatch.setattr(services, "enqueue", broken)
    with pytest.raises(RuntimeError):
        submit(weegploeg.gemeente, files=[text_file()])
    assert not Submission.objects.exists() and _stored(_private_storage) == []


# -- reading: the meldpunt of the gemeente only ------------------------------------------------


def _attachment_url(attachment):
    return reverse("referrals:attachment", kwargs={"pk": attachment.submission_id,
                                                   "attachment_pk": attachment.pk})


def test_the_meldpunt_downloads_an_attachment_and_the_read_is_audited(
    client, login, weegploeg, meldpunt
):
    submission = submit(weegploeg.gemeente, files=[text_file("verslag.txt", REPORT)])
    attachment = submission.attachments.get()
    login(meldpunt)
    page = client.get(reverse("referrals:submission", kwargs={"pk": submission.pk}))
    assert _attachment_url(attachment) in page.content.decode()
    response = client.get(_attachment_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == REPORT
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS,
                                     object_pk=str(attachment.pk)).exists()


def test_an_attachment_is_not_readable_from_the_public_side_or_another_gemeente(
    client, login, weegploeg, other_weegploeg, make_user
):
    from pga.models import Role

    submission = submit(weegploeg.gemeente, files=[text_file("verslag.txt", REPORT)])
    url = _attachment_url(submission.attachments.get())
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/account/login/")
    login(make_user(other_weegploeg.gemeente, Role.MELDPUNT))
    assert client.get(url).status_code == 404


# -- acceptance and removal --------------------------------------------------------------------


def test_accepting_carries_the_attachments_over_to_the_signal(
    weegploeg, meldpunt, django_capture_on_commit_callbacks, _private_storage
):
    submission = submit(weegploeg.gemeente, files=[
        text_file("verslag.txt", REPORT),
        SimpleUploadedFile("foto.png", PNG, content_type="image/png")])
    sent = {(a.original_name, a.content_type, a.size, a.sha256)
            for a in submission.attachments.all()}
    with django_capture_on_commit_callbacks(execute=True):
        signal = services.accept_submission(meldpunt, submission, phenomenon="other").signal
    carried = list(Attachment.objects.filter(signal=signal))
    assert {(a.original_name, a.content_type, a.size, a.sha256) for a in carried} == sent
    assert carried[0].uploaded_by == meldpunt
    with carried[0].file.open("rb") as handle:
        assert handle.read() in (REPORT, PNG)
    # The referral keeps no copy: its rows and files are gone, the signal's remain.
    assert not SubmissionAttachment.objects.exists()
    assert len(_stored(_private_storage)) == 2
    assert all(str(p.relative_to(_private_storage)).startswith("bijlagen/")
               for p in _stored(_private_storage))


def test_an_unaccepted_referral_is_removed_with_its_files(
    weegploeg, settings, django_capture_on_commit_callbacks, _private_storage
):
    settings.REFERRAL_ACCEPT_DAYS = 30
    old = submit(weegploeg.gemeente, files=[text_file()])
    old.submitted_at = timezone.now() - datetime.timedelta(days=31)
    old.save()
    recent = submit(weegploeg.gemeente, files=[text_file()])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_unaccepted() == 1
    assert list(SubmissionAttachment.objects.values_list("submission", flat=True)) == [recent.pk]
    assert [str(p.relative_to(_private_storage)).split("/")[1]
            for p in _stored(_private_storage)] == [str(recent.pk)]
