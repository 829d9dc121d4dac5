from django.urls import path  # noqa: F401 - patterns are added by the criteria work

app_name = "criteria"
urlpatterns: list = []
