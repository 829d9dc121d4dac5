from django.urls import path

from signals import views

app_name = "signals"
urlpatterns = [
    path("signalen/", views.queue, name="queue"),
    path("signalen/nieuw/", views.register, name="register"),
    path("signalen/ontvangstbewijs/", views.receipt, name="receipt"),
    path("signalen/mijn-registraties/", views.my_registrations, name="mine"),
    path("signalen/<int:pk>/", views.detail, name="detail"),
    path("signalen/<int:pk>/wijzigen/", views.edit, name="edit"),
    path("signalen/<int:pk>/betrokkene/", views.identity, name="identity"),
    path("signalen/<int:pk>/bijlagen/nieuw/", views.add_attachment, name="attachment_add"),
    path(
        "signalen/<int:pk>/bijlagen/<int:attachment_pk>/",
        views.download_attachment,
        name="attachment",
    ),
    path("signalen/<int:pk>/inbreng/", views.contribute, name="contribute"),
    path("signalen/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("signalen/<int:pk>/overdragen/", views.transfer, name="transfer"),
]
