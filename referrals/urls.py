from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    # Public: the gemeente's code, never anything about a referral.
    path("melden/<slug:gemeente>/", views.public_form, name="public_form"),
    path("meldpunt/", views.intake, name="intake"),
    path("meldpunt/<int:pk>/", views.submission, name="submission"),
    path("meldpunt/<int:pk>/bijlagen/<int:attachment_pk>/", views.attachment,
         name="attachment"),
    path("meldpunt/standaardtekst/", views.feedback_text, name="feedback_text"),
]
