from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pga.forms import DateInput
from pga.models import Partner, PartnerKind, Weegploeg
from signals import queue_filters
from signals.legal import grounds_in_force
from signals.models import (
    REASON_MAX_LENGTH,
    Contribution,
    Person,
    Phenomenon,
    Signal,
    SignalStatus,
    SourceCategory,
)
from signals.validators import (
    check_attachment,
    normalise_bsn,
    normalise_postcode,
    validate_bsn,
    validate_date_of_birth,
    validate_not_in_future,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files; each checked for size and sniffed type. Cleans to a list of
    (uploaded file, content type)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned, errors = [], []
        for uploaded in files:
            uploaded = super().clean(uploaded, initial)
            try:
                cleaned.append((uploaded, check_attachment(uploaded)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class BsnField(forms.CharField):
    """A BSN: the spaces it is grouped with taken out first, then nine ASCII digits that
    pass the eleven-check (`signals.validators.validate_bsn`)."""

    default_validators = [validate_bsn]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("BSN"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        return normalise_bsn(super().to_python(value))


def gemeente_choices():
    return Partner.objects.filter(kind=PartnerKind.GEMEENTE, weegploeg__isnull=False)


class PersonForm(forms.ModelForm):
    """The betrokkene. Everything optional: a signal may start without identity."""

    bsn = BsnField(help_text=_("Optioneel; 9 cijfers."))

    class Meta:
        model = Person
        fields = [
            "label", "first_names", "surname_prefix", "surname", "date_of_birth", "bsn",
            "address", "postcode", "municipality",
        ]
        widgets = {"date_of_birth": DateInput}
        help_texts = {
            "municipality": _("Bepaalt de weegploeg. Laat leeg als de woongemeente onbekend is."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = gemeente_choices()
        self.fields["municipality"].empty_label = _("Onbekend")
        self.fields["date_of_birth"].validators.append(validate_date_of_birth)

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean(self):
        data = super().clean()
        if data.get("first_names") and not data.get("surname"):
            self.add_error("surname", _("Vul ook de achternaam in, of laat de voornamen leeg."))
        return data


SIGNAL_FIELDS = [
    "received_on", "source_category", "source_sector", "reporter_name", "reporter_organisation",
    "reporter_contact", "description", "behaviour_from", "behaviour_to", "phenomenon",
]


class SignalForm(forms.ModelForm):
    class Meta:
        model = Signal
        fields = SIGNAL_FIELDS
        widgets = {
            "received_on": DateInput,
            "behaviour_from": DateInput,
            "behaviour_to": DateInput,
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "description": _(
                "Beschrijf feitelijk wat is waargenomen: wat, wanneer, waar. Geen oordelen."
            ),
            "source_sector": _("Alleen bij een professional als bron."),
            "reporter_name": _("Alleen zichtbaar voor uw organisatie en de weegploeg."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("received_on", "behaviour_from", "behaviour_to"):
            self.fields[name].validators.append(validate_not_in_future)

    def clean(self):
        data = super().clean()
        if data.get("source_category") == SourceCategory.PROFESSIONAL and not data.get(
            "source_sector"
        ):
            self.add_error("source_sector", _("Kies de sector van de professional."))
        if data.get("source_category") != SourceCategory.PROFESSIONAL:
            data["source_sector"] = ""
        start, end = data.get("behaviour_from"), data.get("behaviour_to")
        if start and end and end < start:
            self.add_error("behaviour_to", _("De einddatum ligt vóór de begindatum."))
        return data


class RegistrationForm(SignalForm):
    """A new signal: the signal fields plus the acute-danger check, the weegploeg when the
    municipality is unknown, and attachments."""

    acute_danger = forms.BooleanField(
        label=_("Er is sprake van acuut gevaar"),
        required=False,
        help_text=_(
            "Dit systeem is niet bedoeld voor noodsituaties. Bel bij acuut gevaar eerst 112. "
            "Vinkt u dit aan, dan worden de weegploegleden direct gewaarschuwd."
        ),
    )
    weegploeg = forms.ModelChoiceField(
        label=_("Weegploeg"),
        queryset=Weegploeg.objects.all(),
        required=False,
        help_text=_("Alleen nodig als de woongemeente van de betrokkene onbekend is."),
    )
    attachments = AttachmentsField(
        label=_("Bijlagen"),
        help_text=_("PDF, afbeelding, Office-document of tekst; hoogstens 20 MB per bestand."),
    )

    class Meta(SignalForm.Meta):
        fields = [*SIGNAL_FIELDS, "acute_danger"]

    def signal_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*SIGNAL_FIELDS, "acute_danger"]}


class AttachmentForm(forms.Form):
    file = AttachmentsField(label=_("Bijlage"), required=True)


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["source", "information_date", "content", "legal_ground", "visibility"]
        widgets = {
            "information_date": DateInput,
            "content": forms.Textarea(attrs={"rows": 6}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "visibility": _(
                "Afgeschermd: de andere partners zien alleen dát uw organisatie informatie "
                "heeft, niet de inhoud (bijvoorbeeld bij een lopend opsporingsonderzoek)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["information_date"].validators.append(validate_not_in_future)
        self.fields["legal_ground"].queryset = grounds_in_force()
        self.fields["legal_ground"].required = True


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van intrekking"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Alle drie de partners van de weegploeg zien deze reden."),
        min_length=10,
        max_length=REASON_MAX_LENGTH,
    )


class TransferForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Nieuwe woongemeente"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("De weegploeg van de nieuwe gemeente ontvangt het dossier."),
    )
    to_weegploeg = forms.ModelChoiceField(
        label=_("Of kies de weegploeg"),
        queryset=Weegploeg.objects.all(),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reden van overdracht"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = gemeente_choices()

    def clean(self):
        data = super().clean()
        if not data.get("municipality") and not data.get("to_weegploeg"):
            self.add_error("municipality", _("Kies de nieuwe woongemeente of de weegploeg."))
        return data


QUEUE_STATUS_CHOICES = [("", _("Alle open signalen"))] + list(SignalStatus.choices)


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Zoek op referentie of naam"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=QUEUE_STATUS_CHOICES, required=False)
    phenomenon = forms.ChoiceField(
        label=_("Fenomeen"), choices=[("", _("Alle"))] + list(Phenomenon.choices), required=False
    )
    source_category = forms.ChoiceField(
        label=_("Bron"), choices=[("", _("Alle"))] + list(SourceCategory.choices), required=False
    )
    date_from = forms.DateField(label=_("Ontvangen vanaf"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Ontvangen tot en met"), required=False, widget=DateInput)
    acute_danger = forms.BooleanField(label=_("Alleen acuut gevaar"), required=False)
    waiting_days = forms.IntegerField(
        label=_("Wacht minstens (dagen)"), required=False, min_value=0, max_value=3650,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for queue_filter in queue_filters.registered():
            self.fields[queue_filter.name] = forms.BooleanField(
                label=queue_filter.label, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return data
