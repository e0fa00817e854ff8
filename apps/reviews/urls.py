"""The public pages of review editions."""

from django.urls import path

from . import views

app_name = "editions"

urlpatterns = [
    path("", views.edition_index, name="index"),
    path("<int:year>/", views.edition_detail, name="detail"),
]
