from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from pga.forms import DateInput
from referrals.models import (
    DECLINE_REASON_MAX_LENGTH,
    FEEDBACK_TEXT_MAX_LENGTH,
    MAX_ATTACHMENTS,
    MAX_ATTACHMENTS_BYTES,
    Submission,
)
from signals.forms import AttachmentsField, gemeente_choices
from signals.models import Phenomenon
from signals.validators import validate_date_of_birth, validate_not_in_future

REPORTER_FIELDS = ["reporter_name", "reporter_organisation", "reporter_role", "reporter_sector",
                   "reporter_email", "reporter_phone"]
SUBJECT_FIELDS = ["subject_first_names", "subject_surname", "subject_date_of_birth",
                  "subject_municipality", "subject_details"]
OBSERVATION_FIELDS = ["observation", "observed_from", "observed_to", "acute_danger",
                      "attachments"]


class ReferralForm(forms.ModelForm):
    """The public form: who reports, about whom (as far as known), what was observed, and
    files that show it (through the intake's upload checks, `check_attachment`)."""

    attachments = AttachmentsField(label=_("Bijlagen"))

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
        self.fields["attachments"].help_text = _(
            "Niet verplicht. Hoogstens %(count)d bestanden van samen hoogstens %(size)s: PDF, "
            "afbeelding, Office-document of tekst. Krijgt u een foutmelding, kies de "
            "bestanden dan opnieuw."
        ) % {"count": MAX_ATTACHMENTS, "size": filesizeformat(MAX_ATTACHMENTS_BYTES)}
        self.fields["subject_municipality"].queryset = gemeente_choices()
        self.fields["subject_municipality"].empty_label = _("Onbekend")
        self.fields["subject_date_of_birth"].validators.append(validate_date_of_birth)
        for name in ("observed_from", "observed_to"):
            self.fields[name].validators.append(validate_not_in_future)

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Stuur hoogstens %(count)d bestanden mee.") % {"count": MAX_ATTACHMENTS},
                code="too_many")
        if sum(uploaded.size for uploaded, _type in files) > MAX_ATTACHMENTS_BYTES:
            raise ValidationError(
                _("De bestanden zijn samen groter dan %(size)s.")
                % {"size": filesizeformat(MAX_ATTACHMENTS_BYTES)}, code="too_large")
        return files

    def clean(self):
        data = super().clean()
        start, end = data.get("observed_from"), data.get("observed_to")
        if start and end and end < start:
            self.add_error("observed_to", _("De einddatum ligt vóór de begindatum."))
        return data

    def submission_fields(self) -> dict:
        """The referral's own fields (the attachments are stored beside it)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name != "attachments"}

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


class FeedbackTextForm(forms.Form):
    text = forms.CharField(
        label=_("Standaardtekst"), max_length=FEEDBACK_TEXT_MAX_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Deze tekst staat onder elk bericht aan een melder dat de melding is "
                    "ontvangen of afgehandeld, bijvoorbeeld hoe het meldpunt bereikbaar is. "
                    "Noem geen personen en geen besluiten. Leeg: geen standaardtekst."),
    )
