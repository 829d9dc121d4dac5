import csv

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from pga.audit import audit_purpose, record_access
from pga.authz import require_role
from pga.forms import AuditFilterForm
from pga.models import AuditEntry, ProcessingActivity, Role

AUDIT_PAGE_SIZE = 50


@login_not_required
@cache_control(public=True, max_age=7 * 24 * 3600)
@require_GET
def favicon(request):
    """The site's icon where browsers ask for it by themselves (/favicon.ico, e.g. beside a
    PDF); the pages name the same file under /static/."""
    return FileResponse(
        (settings.BASE_DIR / "static" / "favicon.ico").open("rb"), content_type="image/x-icon"
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and compose: database and Redis (or "eager")."""
    status = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        status["database"] = "error"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
            ).ping()
            status["redis"] = "ok"
        except Exception:  # noqa: BLE001
            status["redis"] = "error"
    else:
        status["redis"] = "eager"
    healthy = all(value in ("ok", "eager") for value in status.values())
    status["status"] = "ok" if healthy else "error"
    return JsonResponse(status, status=200 if healthy else 503)


def _audit_entries(request):
    """The entries of the FG's scope (`AuditEntry.objects.visible_to`), filtered."""
    form = AuditFilterForm(request.user, request.GET or None)
    entries = form.filter(
        AuditEntry.objects.visible_to(request.user)
        .select_related("actor", "partner", "content_type").order_by("-timestamp", "-pk")
    )
    return form, entries


@audit_purpose(ProcessingActivity.SUPERVISION)
@require_role(Role.AUDITOR)
@require_GET
def audit_log(request):
    """The auditor's view of the log: filtered, paginated. Reading it is itself logged."""
    # Recorded first: the page counts its rows and then reads them, and the read of this
    # very page must not come between (it would push the last row off the page).
    record_access(request.user, model=AuditEntry, detail={"weergave": "auditlog"})
    form, entries = _audit_entries(request)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "pga/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value):
        return value


@audit_purpose(ProcessingActivity.SUPERVISION)
@require_role(Role.AUDITOR)
@require_GET
def audit_log_csv(request):
    """CSV export of the filtered log, in the words of the screen (Dutch actions, object
    types and field labels, local time); the export itself is an audited read. With an
    invalid filter there is no export: the log's page shows what is wrong (status 400)."""
    form, entries = _audit_entries(request)
    if form.is_bound and not form.is_valid():
        return render(
            request, "pga/audit_log.html",
            {"form": form, "page": Paginator(entries, AUDIT_PAGE_SIZE).get_page(1),
             "query": request.GET.urlencode()},
            status=400,
        )
    record_access(
        request.user,
        model=AuditEntry,
        detail={"export": "csv", "filters": sorted(k for k, v in request.GET.items() if v)},
    )
    writer = csv.writer(_Echo())
    header = [
        _("tijdstip"), _("gebruiker"), _("partner"), _("handeling"), _("soort object"),
        _("objectnummer"), _("object"), _("verwerkingsactiviteit"), _("gewijzigde velden"),
    ]

    def rows():
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow([
                entry.local_timestamp,
                entry.actor_email or "",
                entry.partner.name if entry.partner else "",
                entry.get_action_display(),
                entry.content_type.name,
                entry.object_pk,
                entry.object_repr,
                entry.get_purpose_display(),
                ", ".join(entry.changed_fields),
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="auditlog.csv"'
    return response


