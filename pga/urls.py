from django.contrib.auth import views as auth_views
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urlpatterns

from pga import views
from pga.admin import beheer_site

audit_patterns = (
    [
        path("", views.audit_log, name="log"),
        path("export.csv", views.audit_log_csv, name="export"),
    ],
    "audit",
)

# The 500 page shows a reference for the helpdesk; 400, 403 and 404 are Django's handlers
# with the templates of the same name.
handler500 = "pga.errors.server_error"

urlpatterns = [
    # The home page is the work list per role, in the top layer (`worklist/`).
    path("", include("worklist.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include(two_factor_urlpatterns)),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("beheer/", beheer_site.urls),
    path("audit/", include(audit_patterns)),
    path("", include("signals.urls")),
    path("", include("criteria.urls")),
    path("", include("weegploeg.urls")),
    path("", include("retention.urls")),
    path("", include("rights.urls")),
    path("", include("stats.urls")),
    path("", include("referrals.urls")),
]
