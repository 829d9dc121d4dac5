from django.urls import path

from stats import views

app_name = "statistics"
urlpatterns = [
    path("statistieken/", views.dashboard, name="dashboard"),
    path("statistieken/trends.csv", views.trend_export, name="trend_export"),
]
