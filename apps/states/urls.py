"""The public pages of states."""

from django.urls import re_path

from . import views

app_name = "states"

urlpatterns = [
    re_path(r"^(?P<alpha3>[A-Za-z]{3})/$", views.state_detail, name="detail"),
]
