from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.models import DECLINE_REASON_MAX_LENGTH, Submission
from signals.forms import DateInput, gemeente_choices
from signals.models import Phenomenon
from signals.validators import validate_date_of_birth, validate_not_in_future

REPORTER_FIELDS = ["reporter_name", "reporter_organisation", "reporter_role", "reporter_sector",
                   "reporter_email", "reporter_phone"]
SUBJECT_FIELDS = ["subject_first_names", "subject_surname", "subject_date_of_birth",
                  "subject_municipality", "subject_details"]
OBSERVATION_FIELDS = ["observation", "observed_from", "observed_to", "acute_danger"]


class ReferralForm(forms.ModelForm):
    """The public form: who reports, about whom (as far as known), what was observed."""

    class Meta:
        model = Submission
        fields = [*REPORTER_FIELDS, *SUBJECT_FIELDS, *OBSERVATION_FIELDS]
        widgets = {
            "subject_date_of_birth": DateInput,
            "observed_from": DateInput,
            "observed_to": DateInput,
            "observation": forms.Textarea(attrs={"rows": 10}),
            "subject_details": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"acute_danger": _("Er is nu sprake van acuut gevaar (ik heb 112 gebeld)")}
        help_texts = {
            "reporter_email": _("Hierop ontvangt u alleen het ontvangstnummer en later het "
                                "bericht dat uw melding is ontvangen en afgehandeld."),
            "reporter_role": _("Bijvoorbeeld docent, jongerenwerker, wijkverpleegkundige."),
            "subject_details": _("Bijvoorbeeld leeftijd, school of klas, woonplaats. Alleen "
                                 "wat u weet en wat nodig is om de persoon te herkennen."),
            "observation": _("Beschrijf feitelijk wat u heeft gezien of gehoord: wat, wanneer, "
                             "waar. Geen oordelen."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_municipality"].queryset = gemeente_choices()
        self.fields["subject_municipality"].empty_label = _("Onbekend")
        self.fields["subject_date_of_birth"].validators.append(validate_date_of_birth)
        for name in ("observed_from", "observed_to"):
            self.fields[name].validators.append(validate_not_in_future)

    def clean(self):
        data = super().clean()
        start, end = data.get("observed_from"), data.get("observed_to")
        if start and end and end < start:
            self.add_error("observed_to", _("De einddatum ligt vóór de begindatum."))
        return data

    def sections(self):
        """The fields per fieldset, in the order the page shows them."""
        return [
            (_("Wat heeft u waargenomen?"), [self[n] for n in OBSERVATION_FIELDS]),
            (_("Over wie gaat het?"), [self[n] for n in SUBJECT_FIELDS]),
            (_("Wie meldt?"), [self[n] for n in REPORTER_FIELDS]),
        ]


class AcceptForm(forms.Form):
    phenomenon = forms.ChoiceField(label=_("Fenomeen"), choices=Phenomenon.choices)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van afwijzing"), max_length=DECLINE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Alleen voor het meldpunt. De melder hoort alleen dat de melding is "
                    "afgehandeld."),
    )
