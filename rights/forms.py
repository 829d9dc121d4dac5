from django import forms
from django.utils.translation import gettext_lazy as _

from pga.forms import DateInput
from retention.models import REQUEST_TEXT_MAX_LENGTH, SubjectRequestKind, SubjectRequestStatus
from rights.models import AccessPurpose, ExportFormat
from signals.forms import BsnField


class SubjectSearchForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Doel van de zoekopdracht"),
                                choices=[("", "—"), *AccessPurpose.choices])
    case_number = forms.CharField(
        label=_("Kenmerk van het verzoek"), max_length=60,
        help_text=_("Het kenmerk in uw postregistratie; geen persoonsgegevens. Wordt met de "
                    "zoekopdracht vastgelegd."),
    )
    bsn = BsnField()
    name = forms.CharField(label=_("Naam"), max_length=200, required=False,
                           help_text=_("Zoeken op naam als het BSN onbekend is."))
    date_of_birth = forms.DateField(label=_("Geboortedatum"), required=False, widget=DateInput)


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Soort verzoek"), choices=SubjectRequestKind.choices)
    case_number = forms.CharField(label=_("Kenmerk"), max_length=60)
    received_on = forms.DateField(label=_("Ontvangen op"), widget=DateInput)
    request_text = forms.CharField(label=_("Wat wordt gevraagd"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   max_length=REQUEST_TEXT_MAX_LENGTH)


class HandleRequestForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[c for c in SubjectRequestStatus.choices if c[0] != SubjectRequestStatus.OPEN],
    )
    handling = forms.CharField(label=_("Afhandeling"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=REQUEST_TEXT_MAX_LENGTH)
    handled_on = forms.DateField(label=_("Afgehandeld op"), required=False, widget=DateInput)


class SubjectExportForm(forms.Form):
    export_format = forms.ChoiceField(label=_("Formaat"), choices=ExportFormat.choices,
                                      initial=ExportFormat.PDF, widget=forms.RadioSelect)
    melder = forms.BooleanField(label=_("Identiteit van de melder opnemen"), required=False)
