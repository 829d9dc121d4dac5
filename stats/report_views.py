"""The accountability screens (docs/design.md §3 rule 13, issue 20): the conformance report
for the FG and the toezichthouder, as a page with charts and as a PDF/A annual statement
(`stats.conformance`), and the FG's CSV of exchanges per legal ground (`stats.exchanges`).
Thin: parse the request, call the module, render; each read is recorded in the audit log."""

import csv
import io

from django import forms
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from pga.audit import audit_purpose, record_access
from pga.authz import has_role, require_role
from pga.forms import add_rule_violation
from pga.models import ProcessingActivity, Role, Weegploeg
from pga.pdf import render_pdf
from pga.services import RuleViolation
from signals.models import Contribution
from stats import conformance
from stats.exchanges import exchanges_visible_to

# Chart geometry (SVG user units), as the dashboard's: one row per bar, label left of it.
ROW, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 26, 260, 300, 60


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Jaar"), required=False,
                              min_value=conformance.FIRST_YEAR)


def _report(request):
    form = YearForm(request.GET or None, initial={"year": timezone.localdate().year})
    year = form.cleaned_data.get("year") if form.is_valid() else None
    try:
        report = conformance.conformance_report(request.user, year=year)
    except RuleViolation as error:
        add_rule_violation(form, error)
        report = conformance.conformance_report(request.user)
    record_access(request.user, model=Weegploeg, purpose=ProcessingActivity.SUPERVISION,
                  detail={"weergave": "conformiteitsrapport", "jaar": report.year})
    return form, report


def share_chart(name: str, title: str, scopes, part: str, whole: str) -> dict:
    """Bars of one share per scope; a suppressed share gets no bar and shows "–"."""
    bars = []
    for index, figures in enumerate(scopes):
        shown = conformance.share(getattr(figures, part), getattr(figures, whole))
        percentage = (100 * getattr(figures, part) / getattr(figures, whole)
                      if shown != "–" else 0)
        bars.append({"label": figures.label, "shown": shown, "y": index * ROW + 4,
                     "text_y": index * ROW + 18, "width": round(percentage / 100 * BAR_WIDTH, 1),
                     "value_x": round(LABEL_WIDTH + percentage / 100 * BAR_WIDTH + 6, 1)})
    return {"name": name, "title": title, "bars": bars, "height": len(bars) * ROW + 8,
            "width": LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, "label_width": LABEL_WIDTH,
            "label_x": LABEL_WIDTH - 8}


@audit_purpose(ProcessingActivity.SUPERVISION)
@require_role(*conformance.CONFORMANCE_ROLES)
@require_GET
def conformance_page(request):
    form, report = _report(request)
    scopes = [*report.per_weegploeg, report.national]
    charts = [
        share_chart("gewogen", _("Besluiten gewogen door alle drie de partners"), scopes,
                    "weighed_by_three", "decisions"),
        share_chart("onderbouwd", _("Besluiten met elk criterium onderbouwd"), scopes,
                    "substantiated", "decisions"),
        share_chart("op-tijd", _("Op tijd vernietigd"), scopes, "purged_on_time", "purged"),
    ]
    return render(request, "statistics/conformance.html", {
        "form": form, "forms": [form], "report": report, "scopes": scopes, "charts": charts,
        "may_export_exchanges": has_role(request.user, Role.AUDITOR),
    })


@audit_purpose(ProcessingActivity.SUPERVISION)
@require_role(*conformance.CONFORMANCE_ROLES)
@require_GET
def annual_statement(request):
    """The report of one year as a tagged PDF/A (`pga.pdf`), always in Dutch."""
    _form, report = _report(request)
    generated_at = timezone.localtime().replace(microsecond=0)
    pdf = render_pdf("statistics/annual_statement.html", {
        "report": report, "scopes": [*report.per_weegploeg, report.national],
        "generated_at": generated_at, "created_w3c": generated_at.isoformat(),
    }, footer=_("Jaarverklaring %(year)s") % {"year": report.year},
        header=_("Verantwoording — zonder persoonsgegevens"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="jaarverklaring-{report.year}.pdf"')
    return response


class ExchangeFilterForm(forms.Form):
    weegploeg = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


@audit_purpose(ProcessingActivity.SUPERVISION)
@require_role(Role.AUDITOR)
@require_GET
def exchanges_export(request):
    """The FG's CSV of exchanges per legal ground, optionally of one weegploeg (`weegploeg`,
    its number); scoped like the audit screen. An invalid filter matches nothing. The export
    is an audited read."""
    form = ExchangeFilterForm(request.GET)
    rows = (exchanges_visible_to(request.user, weegploeg_id=form.cleaned_data["weegploeg"])
            if form.is_valid() else [])
    record_access(request.user, model=Contribution, purpose=ProcessingActivity.SUPERVISION,
                  detail={"export": "uitwisselingen per grondslag", "regels": len(rows)})

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("grondslag"), _("datum"), _("soort uitwisseling"), _("partner"),
                         _("weegploeg"), _("signaal")])
        for row in rows:
            writer.writerow([row.ground, row.on.strftime("%d-%m-%Y"), row.kind, row.partner,
                             row.weegploeg, row.signal])
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="uitwisselingen-per-grondslag.csv"'
    return response
