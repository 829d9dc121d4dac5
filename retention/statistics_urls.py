from django.urls import path

from retention import statistics_views

app_name = "statistics"
urlpatterns = [
    path("statistieken/", statistics_views.dashboard, name="dashboard"),
    path("statistieken/trends.csv", statistics_views.trend_export, name="trend_export"),
]
