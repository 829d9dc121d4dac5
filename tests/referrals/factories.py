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


def submit(gemeente, **overrides):
    """A referral as the public form stores it."""
    from referrals.forms import ReferralForm

    form = ReferralForm(referral_data(**overrides))
    assert form.is_valid(), form.errors
    return submit_referral(gemeente, form.cleaned_data)
