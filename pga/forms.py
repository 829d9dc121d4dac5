from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from pga.models import AuditEntry, Partner, User


class DutchDateInput:
    """A date (and time) typed in Dutch notation, with that notation shown beside the field
    (`hint`, linked to the input by aria-describedby). Not the browser's own date picker
    (`type="date"`): that speaks the browser's language and format, mm/dd/yyyy in an English
    browser, whatever the page says (issue 22). Django's Dutch input formats read what is
    typed; ISO dates (2026-12-31) are accepted too."""

    input_type = "text"
    template_name = "pga/widgets/dutch_date.html"
    hint = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["hint"] = self.hint
        if widget["attrs"].get("id"):
            described = [f"{widget['attrs']['id']}_format", widget["attrs"].get("aria-describedby")]
            widget["attrs"]["aria-describedby"] = " ".join(filter(None, described))
        return context


class DateInput(DutchDateInput, forms.DateInput):
    hint = _("Als dd-mm-jjjj, bijvoorbeeld 31-12-2026.")

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "size": 10, **(attrs or {})}, format="%d-%m-%Y")


class DateTimeInput(DutchDateInput, forms.DateTimeInput):
    hint = _("Als dd-mm-jjjj uu:mm, bijvoorbeeld 31-12-2026 14:30.")

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "size": 16, **(attrs or {})},
                         format="%d-%m-%Y %H:%M")


class ListedChoices(ModelChoiceIterator):
    """The choices of a list of objects, read with one plain query: Django's own iterator
    reads them through `QuerySet.iterator()`, which on PostgreSQL opens a server-side cursor
    per list (docs/adr/0007)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` whose choices are read with one plain query (`ListedChoices`)."""

    iterator = ListedChoices


def add_rule_violation(form, error) -> None:
    """Show a service's `RuleViolation` on the form: on the field it names when the form has
    that field, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class AuditFilterForm(forms.Form):
    """Filters of the auditor's screen; every field optional."""

    actor = ListedModelChoiceField(
        label=_("Gebruiker"), queryset=User.objects.all(), required=False
    )
    partner = ListedModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.all(), required=False
    )
    content_type = ListedModelChoiceField(
        label=_("Soort object"),
        queryset=ContentType.objects.filter(
            app_label__in=["pga", "signals", "criteria", "weegploeg", "retention"]
        ).order_by("app_label", "model"),
        required=False,
    )
    object_pk = forms.CharField(label=_("Objectnummer"), max_length=64, required=False)
    person = forms.IntegerField(
        label=_("Betrokkene (nummer)"), required=False, min_value=1,
        help_text=_("Alles over deze betrokkene: de persoon, de signalen en wat erbij hoort."),
    )
    action = forms.TypedChoiceField(
        label=_("Handeling"),
        # django-auditlog's actions, in Dutch through locale/nl (as the screen shows them).
        choices=[("", _("Alle handelingen")), *AuditEntry.Action.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    date_from = forms.DateField(label=_("Vanaf datum"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Tot en met datum"), required=False, widget=DateInput)

    def __init__(self, user, *args, **kwargs):
        """The choices are the FG's own scope: the staff and partners of the weegploegen
        their partner takes part in (and their own partner), no one else's names."""
        super().__init__(*args, **kwargs)
        from pga.authz import weegploegen_of

        partners = Partner.objects.filter(
            Q(pk=user.partner_id) | Q(weegploeg__in=weegploegen_of(user))
            | Q(weegploegen_as_politie__in=weegploegen_of(user))
            | Q(weegploegen_as_om__in=weegploegen_of(user))
        ).distinct()
        self.fields["partner"].queryset = partners
        self.fields["actor"].queryset = User.objects.filter(partner__in=partners)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return data

    def filter(self, queryset):
        """The entries that match the filters: all entries when none is given, none when a
        filter is invalid (an unreadable filter never widens what is shown or exported)."""
        if self.is_bound and not self.is_valid():
            return queryset.none()
        data = self.cleaned_data if self.is_bound else {}
        if data.get("actor"):
            queryset = queryset.filter(actor=data["actor"])
        if data.get("partner"):
            queryset = queryset.filter(partner=data["partner"])
        if data.get("content_type"):
            queryset = queryset.filter(content_type=data["content_type"])
        if data.get("person"):
            from pga.audit import entries_about_person

            queryset = queryset.filter(pk__in=entries_about_person(data["person"]).values("pk"))
        if data.get("object_pk"):
            queryset = queryset.filter(object_pk=data["object_pk"])
            if not data.get("content_type"):
                # Under every type: one probe of `audit_object_idx` per type (ADR 0007 §4).
                queryset = queryset.filter(content_type__in=ContentType.objects.all())
        if data.get("action") is not None:
            queryset = queryset.filter(action=data["action"])
        if data.get("date_from"):
            queryset = queryset.filter(timestamp__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(timestamp__date__lte=data["date_to"])
        return queryset
