"""The site's URLs plus one view that fails: how a 500 looks to the user."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from pga.urls import handler500
from pga.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@login_not_required
def failing(request):
    raise RuntimeError("geheime technische details")


urlpatterns = [*site_urlpatterns, path("faalt/", failing)]
