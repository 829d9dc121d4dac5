from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from pga.forms import DateInput
from retention.models import (
    GROUND_DETAIL_MAX_LENGTH,
    HOLD_REASON_MAX_LENGTH,
    MAX_PERIOD,
    NotificationMethod,
    NotificationStatus,
    PostponementGround,
    RetentionRule,
)


class RuleForm(forms.ModelForm):
    """A retention rule. The bounds of the period are the database's (a period of at least
    1, at most `MAX_PERIOD` of its unit); here they are said next to the period itself."""

    class Meta:
        model = RetentionRule
        fields = ["period", "unit", "anchor", "legal_source"]
        widgets = {"legal_source": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        period.validators.append(MinValueValidator(1))
        period.widget.attrs["min"] = 1

    def clean(self):
        data = super().clean()
        period, unit = data.get("period"), data.get("unit")
        if period and unit in MAX_PERIOD and period > MAX_PERIOD[unit]:
            self.add_error("period", _("Een bewaartermijn is ten hoogste 100 jaar."))
        return data


class HoldForm(forms.Form):
    reference = forms.CharField(
        label=_("Referentienummer van het signaal"), max_length=30, required=False,
        help_text=_("Bijvoorbeeld WP-2026-000123."),
    )
    reason = forms.CharField(
        label=_("Reden"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=HOLD_REASON_MAX_LENGTH,
        help_text=_("Bijvoorbeeld een lopende procedure bij de rechter of de AP; noem het "
                    "kenmerk, geen persoonsgegevens."),
    )
    until = forms.DateField(label=_("Tot en met"), widget=DateInput)

    def __init__(self, *args, for_person=False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_person:
            del self.fields["reference"]
        else:
            self.fields["reference"].required = True


class EndHoldForm(forms.Form):
    end_reason = forms.CharField(label=_("Reden van beëindiging"),
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=HOLD_REASON_MAX_LENGTH)


class NotificationForm(forms.Form):
    """Both branches in one form; `retention.notifications.record_notification` decides
    which fields the chosen status needs."""

    status = forms.ChoiceField(label=_("Stand"), choices=NotificationStatus.choices,
                               widget=forms.RadioSelect)
    notified_on = forms.DateField(label=_("Genotificeerd op"), required=False, widget=DateInput)
    notified_by = forms.CharField(
        label=_("Genotificeerd door"), max_length=200, required=False,
        help_text=_("Naam en functie van wie de betrokkene heeft geïnformeerd."),
    )
    method = forms.ChoiceField(label=_("Hoe"), required=False,
                               choices=[("", "—"), *NotificationMethod.choices])
    ground = forms.ChoiceField(label=_("Grond voor uitstel"), required=False,
                               choices=[("", "—"), *PostponementGround.choices])
    ground_detail = forms.CharField(label=_("Toelichting op de grond"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    max_length=GROUND_DETAIL_MAX_LENGTH)
    recheck_on = forms.DateField(label=_("Opnieuw beoordelen op"), required=False,
                                 widget=DateInput)
