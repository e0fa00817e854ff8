from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
]

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
