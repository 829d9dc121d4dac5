from django.urls import path

from stats import report_views, views

app_name = "statistics"
urlpatterns = [
    path("statistieken/", views.dashboard, name="dashboard"),
    path("statistieken/trends.csv", views.trend_export, name="trend_export"),
    path("statistieken/conformiteit/", report_views.conformance_page, name="conformance"),
    path("statistieken/conformiteit/jaarverklaring.pdf", report_views.annual_statement,
         name="annual_statement"),
    path("statistieken/grondslagen.csv", report_views.exchanges_export, name="exchanges"),
]
