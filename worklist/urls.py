from django.urls import path

from worklist import views

urlpatterns = [
    path("", views.home, name="home"),
]
