"""The public pages of mechanisms: the directory and each mechanism's page."""

from django.urls import path

from . import views

app_name = "mechanisms"

urlpatterns = [
    path("", views.mechanism_directory, name="directory"),
    path("<slug:slug>/", views.mechanism_detail, name="detail"),
]
