from django.urls import path

from rights import views

app_name = "rights"
urlpatterns = [
    path("betrokkenen/zoeken/", views.subject_search, name="subject_search"),
    path("betrokkenen/<int:pk>/", views.subject_person, name="subject_person"),
    path("betrokkenen/<int:pk>/inzage/", views.subject_export, name="subject_export"),
    path("betrokkenen/<int:pk>/inzage/<int:export_pk>/", views.subject_export_status,
         name="subject_export_status"),
    path("betrokkenen/<int:pk>/inzage/<int:export_pk>/bestand/",
         views.subject_export_download, name="subject_export_download"),
    path("betrokkenen/<int:pk>/verzoeken/<int:request_pk>/", views.subject_request_handle,
         name="subject_request"),
]
