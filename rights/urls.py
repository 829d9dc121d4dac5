from django.urls import path, re_path

from rights import views

app_name = "rights"
urlpatterns = [
    path("betrokkenen/zoeken/", views.subject_search, name="subject_search"),
    path("betrokkenen/<int:pk>/", views.subject_person, name="subject_person"),
    re_path(r"^betrokkenen/(?P<pk>[0-9]+)/inzage\.(?P<export_format>json|pdf)$",
            views.subject_export, name="subject_export"),
    path("betrokkenen/<int:pk>/verzoeken/<int:request_pk>/", views.subject_request_handle,
         name="subject_request"),
]
