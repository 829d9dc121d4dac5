from django.urls import path

from retention import views

app_name = "retention"
urlpatterns = [
    path("bewaartermijnen/", views.overview, name="overview"),
    path("bewaartermijnen/termijnen/<slug:basis>/", views.rule_edit, name="rule"),
    path("bewaartermijnen/runs/<int:pk>/", views.run_detail, name="run"),
    path("bewaartermijnen/blokkades/nieuw/", views.hold_create, name="hold_create"),
    path("bewaartermijnen/blokkades/<int:pk>/beeindigen/", views.hold_end, name="hold_end"),
    path("notificaties/", views.notification_overview, name="notifications"),
    path("notificaties/besluiten/<int:pk>/", views.notification_record, name="notification"),
    path("signalen-zonder-besluit/", views.stale_signals, name="stale"),
]
