from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("", include("config.site_urls")),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
