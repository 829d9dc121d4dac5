import datetime

from django.utils import timezone

from referrals.services import submit_referral


def referral_data(**overrides) -> dict:
    """What a professional types in the public form (as POST data)."""
    today = timezone.localdate()
    data = {
        "reporter_name": "Petra de Leraar",
        "reporter_organisation": "Het Voorbeeldcollege",
        "reporter_role": "Mentor",
        "reporter_sector": "onderwijs",
        "reporter_email": "mentor@school.example.nl",
        "reporter_phone": "010-1234567",
        "subject_first_names": "Jan",
        "subject_surname": "Zorgenkind",
        "subject_date_of_birth": "2008-04-01",
        "subject_municipality": "",
        "subject_details": "Zit in 4 havo.",
        "observation": "Deelt in de klas filmpjes die geweld tegen ongelovigen verheerlijken.",
        "observed_from": (today - datetime.timedelta(days=7)).isoformat(),
        "observed_to": "",
    }
    data.update(overrides)
    return data


def text_file(name="verslag.txt", content=b"Gespreksverslag mentor, 12 oktober.\n"):
    """A small plain-text upload, as a browser sends it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/plain")


def submit(gemeente, files=(), **overrides):
    """A referral as the public form stores it (with `files`, uploads, as attachments)."""
    from django.utils.datastructures import MultiValueDict

    from referrals.forms import ReferralForm

    form = ReferralForm(referral_data(**overrides),
                        MultiValueDict({"attachments": list(files)}) if files else None)
    assert form.is_valid(), form.errors
    return submit_referral(gemeente, form.submission_fields(), form.cleaned_data["attachments"])
