from django.urls import path

from weegploeg import after_decision_views, views

app_name = "weegploeg"
urlpatterns = [
    path("overleggen/", views.sessions, name="sessions"),
    path("overleggen/<int:pk>/", views.session_detail, name="session"),
    path("overleggen/<int:pk>/<slug:action>/", views.session_action, name="session_action"),
    path("overleggen/<int:pk>/exports/<int:export_pk>/", views.export_download, name="export"),
    path("overleggen/<int:pk>/exports/<int:export_pk>/status/", views.export_status,
         name="export_status"),
    path("signalen/<int:pk>/klaar-om-te-stemmen/", views.signal_readiness,
         name="signal_readiness"),
    path("signalen/<int:pk>/na-het-besluit/", after_decision_views.after_decision,
         name="after_decision"),
    path("agendapunten/<int:pk>/", views.item_detail, name="item"),
    path("agendapunten/<int:pk>/stemmen/", views.item_votes, name="item_votes"),
    path("agendapunten/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("besluiten/<int:pk>/", views.decision_detail, name="decision"),
    path("besluiten/<int:pk>/overdracht/", views.handover_download, name="handover"),
    path("besluitverslagen/<int:pk>/", views.record_download, name="record"),
    path("informatieverzoeken/<int:pk>/beantwoorden/", views.answer_request, name="answer"),
]
