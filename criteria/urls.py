from django.urls import path

from criteria import views

app_name = "criteria"
urlpatterns = [
    # Public: the referentiekader is published (docs/design.md §1), no login, no personal data.
    path("referentiekader/", views.public_framework, name="public_framework"),
    path(
        "referentiekader/versie/<int:version>/", views.framework_version, name="framework_version"
    ),
    # The functioneel beheerder's screens. Not under /beheer/: the admin site there catches
    # every path below it.
    path("referentiekader/beheer/", views.manage_frameworks, name="manage"),
    path("referentiekader/beheer/nieuw/", views.create_draft, name="create_draft"),
    path("referentiekader/beheer/<int:version>/", views.edit_draft, name="edit_draft"),
    path("referentiekader/beheer/<int:version>/publiceren/", views.publish, name="publish"),
    # The weging of a signal.
    path(
        "signalen/<int:signal_pk>/weging/partner/",
        views.partner_assessment,
        name="partner_assessment",
    ),
    path(
        "signalen/<int:signal_pk>/weging/gezamenlijk/",
        views.joint_assessment,
        name="joint_assessment",
    ),
    path("signalen/<int:signal_pk>/weging/<int:pk>/", views.assessment_detail, name="assessment"),
]
