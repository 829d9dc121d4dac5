"""The statistics screens (issue 8): the dashboard of one's own weegploegen and the national
trend export (CSV) for the functioneel beheerder. Thin: each view parses the request, calls
`stats.services` and renders. The charts are SVG drawn on the server — no script, no
style attribute (the CSP allows neither) — and each comes with a table holding the same
numbers, which is what a screen reader reads (the SVG is hidden from it)."""

import csv

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from pga.audit import audit_purpose, record_access
from pga.authz import has_role, require_role
from pga.forms import DateInput, add_rule_violation
from pga.models import ProcessingActivity, Role, Weegploeg
from pga.services import RuleViolation
from signals.models import Signal
from stats import services as statistics

# Chart geometry (SVG user units): one row per bar, the label left of the bar.
ROW, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 26, 240, 320, 70
# A label's width at font-size 13, per character, taken generously (wide capitals included),
# so that the longest label fits left of the bars instead of being clipped.
LABEL_CHAR_WIDTH, LABEL_GAP = 8, 8


class StatisticsForm(forms.Form):
    weegploeg = forms.ModelChoiceField(
        label=gettext_lazy("Weegploeg"), queryset=Weegploeg.objects.none(), required=False,
        empty_label=gettext_lazy("Al mijn weegploegen"),
    )
    date_from = forms.DateField(label=gettext_lazy("Ontvangen vanaf"), required=False,
                                widget=DateInput)
    date_to = forms.DateField(label=gettext_lazy("Ontvangen tot en met"), required=False,
                              widget=DateInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weegploeg"].queryset = statistics.statistics_weegploegen(user)


def bar_chart(name: str, title: str, category: str, tallies) -> dict:
    """Horizontal bars scaled to the largest; the part of each bar that comes from purged
    signals (tombstones) drawn in a lighter shade."""
    top = max((t.signals for t in tallies), default=0) or 1
    longest = max((len(str(t.label)) for t in tallies), default=0)
    label_width = max(LABEL_WIDTH, longest * LABEL_CHAR_WIDTH + 2 * LABEL_GAP)
    bars = []
    for index, tally in enumerate(tallies):
        width = round(tally.signals / top * BAR_WIDTH, 1)
        deleted = round(tally.deleted / top * BAR_WIDTH, 1)
        bars.append({
            "tally": tally, "y": index * ROW + 4, "text_y": index * ROW + 18,
            "width": width, "live_width": round(width - deleted, 1),
            "deleted_x": round(label_width + width - deleted, 1), "deleted_width": deleted,
            "value_x": round(label_width + width + 6, 1),
        })
    return {"name": name, "title": title, "category": category, "bars": bars,
            "height": len(bars) * ROW + 8, "width": label_width + BAR_WIDTH + VALUE_WIDTH,
            "label_width": label_width, "label_x": label_width - LABEL_GAP}


@audit_purpose(ProcessingActivity.STATISTICS)
@require_role(*statistics.STATISTICS_ROLES)
@require_GET
def dashboard(request):
    form = StatisticsForm(request.user, request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        figures = statistics.dashboard(request.user, **filters)
    except RuleViolation as error:
        add_rule_violation(form, error)
        figures = statistics.dashboard(request.user)
    charts = [
        bar_chart("per-maand", _("Signalen per maand van ontvangst"), _("Maand"),
                  figures.per_month),
        bar_chart("per-fenomeen", _("Signalen per fenomeen"), _("Fenomeen"),
                  figures.per_phenomenon),
        bar_chart("per-bron", _("Signalen per bron"), _("Bron"), figures.per_source),
        bar_chart("uitkomsten", _("Uitkomst van de signalen"), _("Uitkomst"),
                  figures.outcomes),
        bar_chart("driehoek", _("Escalaties naar de lokale driehoek"), _("Uitkomst driehoek"),
                  statistics.driehoek_outcomes([w.pk for w in figures.weegploegen],
                                               figures.start, figures.end)),
    ]
    return render(request, "statistics/dashboard.html", {
        "form": form, "forms": [form], "figures": figures, "charts": charts,
        "may_export": statistics.may_export_trends(request.user),
        "show_stale_list": has_role(request.user, Role.COORDINATOR),
        "suppress_below": statistics.SUPPRESS_BELOW,
    })


@audit_purpose(ProcessingActivity.STATISTICS)
@require_role(Role.ADMIN)
@require_GET
def trend_export(request):
    """The anonymised national trends as CSV; the export is recorded in the audit log."""
    rows = statistics.trend_rows(request.user)
    record_access(request.user, model=Signal, purpose=ProcessingActivity.STATISTICS,
                  detail={"export": "landelijke trends (geanonimiseerd)", "regels": len(rows)})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="weegploeg-trends.csv"'
    writer = csv.writer(response)
    writer.writerow([_("maand"), _("regio"), _("fenomeen"), _("uitkomst"), _("signalen")])
    for row in rows:
        writer.writerow([row.month, row.region, row.phenomenon, row.outcome, row.shown])
    return response
