from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pga.forms import DateInput, DateTimeInput
from pga.models import Partner
from signals.legal import grounds_in_force
from signals.models import CONTENT_MAX_LENGTH, ContributionVisibility
from weegploeg.models import (
    CORRECTION_REASON_MAX_LENGTH,
    DRIEHOEK_TEXT_MAX_LENGTH,
    FOLLOW_UP_TEXT_MAX_LENGTH,
    MOTIVATION_MAX_LENGTH,
    OPENING_REASON_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    REASONING_MAX_LENGTH,
    REWEIGHING_REASON_MAX_LENGTH,
    CaseParty,
    ConsultationResult,
    DriehoekOutcome,
    Outcome,
    Referral,
    ReferralResult,
    ReweighingReason,
)


class SessionForm(forms.Form):
    weegploeg = forms.ModelChoiceField(label=_("Weegploeg"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Datum en tijd"), widget=DateTimeInput)
    online = forms.BooleanField(label=_("Online overleg"), required=False)
    location = forms.CharField(label=_("Plaats"), max_length=200, required=False)

    def __init__(self, weegploegen, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weegploeg"].queryset = weegploegen
        if len(weegploegen) == 1:
            self.fields["weegploeg"].initial = weegploegen[0].pk

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at < timezone.now() - timezone.timedelta(days=1):
            raise forms.ValidationError(_("Deze datum ligt in het verleden."))
        return starts_at


class AddItemForm(forms.Form):
    signal = forms.ModelChoiceField(label=_("Signaal"), queryset=None)

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signal"].queryset = candidates
        self.fields["signal"].label_from_instance = (
            lambda s: f"{s.reference} — {s.person.display_name} ({s.get_status_display()})"
        )


class OpenSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden om het overleg op een andere dag te openen"), required=False,
        max_length=OPENING_REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Alleen nodig als het overleg niet vandaag gepland staat."),
    )


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Aanwezig"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = candidates
        self.fields["attendees"].label_from_instance = (
            lambda user: f"{user.full_name} ({user.partner.name})"
        )


class PrepareForm(forms.Form):
    joint_reasoning = forms.CharField(
        label=_("Gezamenlijke motivering"), widget=forms.Textarea(attrs={"rows": 5}),
        required=False, max_length=REASONING_MAX_LENGTH,
        help_text=_("Leeg gelaten wordt de motivering samengesteld uit de drie stemmotiveringen."),
    )
    invited_parties = forms.MultipleChoiceField(
        label=_("Uit te nodigen partijen (bij casusoverleg)"), choices=CaseParty.choices,
        required=False, widget=forms.CheckboxSelectMultiple,
    )
    other_party = forms.CharField(label=_("Andere partij"), max_length=200, required=False)
    referral = forms.ChoiceField(
        label=_("Doorverwijzing (bij geen casusoverleg)"), choices=Referral.choices,
        widget=forms.RadioSelect, initial=Referral.NONE,
    )
    follow_up_on = forms.DateField(
        label=_("Datum opvolging (bij geen casusoverleg)"), required=False, widget=DateInput
    )


class RadioSelect(forms.RadioSelect):
    """Radio buttons of which some can be switched off: an outcome that the case is not ready
    for (`weegploeg.readiness`) cannot be chosen, and its label says why. Named like Django's
    widget so that its `widget_type` stays "radioselect" and `includes/field.html` renders it
    as a fieldset with a legend."""

    def __init__(self, *args, blocked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.blocked = set(blocked)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.blocked:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(label)s (nog niet mogelijk: zie wat ontbreekt)") % {
                "label": label
            }
        return option


class IntegralStatementForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Resultaat van de raadpleging van de eigen systemen"),
        choices=ConsultationResult.choices, widget=forms.RadioSelect,
        help_text=_("Alleen het resultaat wordt vastgelegd. Wat u vond, brengt u in als "
                    "informatie-inbreng, zo nodig afgeschermd."),
    )


class VoteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Uw stem"), choices=Outcome.choices,
                                widget=forms.RadioSelect)
    motivation = forms.CharField(label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 4}),
                                 max_length=MOTIVATION_MAX_LENGTH)

    def __init__(self, *args, blocked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget = RadioSelect(blocked=blocked)
        self.fields["outcome"].widget.choices = self.fields["outcome"].choices


class CorrectionForm(forms.Form):
    reasoning = forms.CharField(label=_("Gecorrigeerde motivering"),
                                widget=forms.Textarea(attrs={"rows": 5}),
                                max_length=REASONING_MAX_LENGTH)
    reason = forms.CharField(label=_("Reden van de correctie"),
                             widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=CORRECTION_REASON_MAX_LENGTH)


class LegalGroundField(forms.ModelChoiceField):
    """The legal ground of an exchange (rule 13): one in force."""

    def __init__(self, **kwargs):
        super().__init__(queryset=grounds_in_force(), label=_("Grondslag"),
                         help_text=_("De wettelijke grondslag waarop de informatie wordt "
                                     "gedeeld."), **kwargs)


class InformationRequestForm(forms.Form):
    question = forms.CharField(label=_("Vraag"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=QUESTION_MAX_LENGTH)
    assigned_partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    external_body = forms.CharField(label=_("Externe instantie (optioneel)"), max_length=200,
                                    required=False)
    deadline = forms.DateField(label=_("Uiterste datum"), widget=DateInput)
    legal_ground = LegalGroundField()

    def __init__(self, partners, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_partner"].queryset = partners


class AnswerForm(forms.Form):
    content = forms.CharField(label=_("Antwoord"), widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=CONTENT_MAX_LENGTH)
    source = forms.CharField(label=_("Bron"), max_length=200)
    information_date = forms.DateField(label=_("Datum van de informatie"), widget=DateInput)
    legal_ground = LegalGroundField()
    visibility = forms.ChoiceField(label=_("Zichtbaarheid"),
                                   choices=ContributionVisibility.choices,
                                   widget=forms.RadioSelect,
                                   initial=ContributionVisibility.WEEGPLOEG)


# -- after the decision (weegploeg/follow_up.py, reweighing.py, escalation.py) ---------------


class FollowUpForm(forms.Form):
    follow_up = forms.ModelChoiceField(label=_("Welke opvolging"), queryset=None)
    checked = forms.CharField(label=_("Wat is nagegaan"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=FOLLOW_UP_TEXT_MAX_LENGTH)
    result = forms.CharField(label=_("Resultaat"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=FOLLOW_UP_TEXT_MAX_LENGTH)
    referral_result = forms.ChoiceField(
        label=_("Doorverwijzing (alleen bij controle doorverwijzing)"), required=False,
        choices=ReferralResult.choices, widget=forms.RadioSelect,
    )
    taken_up_by = forms.CharField(label=_("Opgepakt door"), max_length=200, required=False)
    next_on = forms.DateField(label=_("Volgende datum (optioneel)"), required=False,
                              widget=DateInput)

    def __init__(self, open_follow_ups, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up"].queryset = open_follow_ups
        self.fields["follow_up"].label_from_instance = (
            lambda f: f"{f.get_kind_display()} {f.due_on:%d-%m-%Y}"
        )


class ReweighingForm(forms.Form):
    reason_kind = forms.ChoiceField(label=_("Aanleiding"), choices=ReweighingReason.choices,
                                    widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reden om opnieuw te wegen"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=REWEIGHING_REASON_MAX_LENGTH)


class EscalationForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Agendapunt"), queryset=None)
    sent_on = forms.DateField(label=_("Doorgestuurd op"), widget=DateInput)
    sent_to = forms.CharField(label=_("Aan (wie in de lokale driehoek)"), max_length=200)

    def __init__(self, items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = (
            lambda item: _("Ronde %(n)d") % {"n": item.round}
        )


class DriehoekOutcomeForm(forms.Form):
    escalation = forms.ModelChoiceField(label=_("Escalatie"), queryset=None)
    outcome = forms.ChoiceField(label=_("Uitkomst van de driehoek"),
                                choices=DriehoekOutcome.choices, widget=forms.RadioSelect)
    outcome_on = forms.DateField(label=_("Datum van de uitkomst"), widget=DateInput)
    outcome_text = forms.CharField(label=_("Besluit van de driehoek"),
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   max_length=DRIEHOEK_TEXT_MAX_LENGTH)

    def __init__(self, escalations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalation"].queryset = escalations
        self.fields["escalation"].label_from_instance = (
            lambda e: _("Doorgestuurd op %(date)s") % {"date": f"{e.sent_on:%d-%m-%Y}"}
        )


class TransferReceiptForm(forms.Form):
    transfer = forms.ModelChoiceField(label=_("Overdracht"), queryset=None,
                                      widget=forms.HiddenInput)

    def __init__(self, transfers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transfer"].queryset = transfers
