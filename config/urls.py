from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from apps.curation import search
from apps.dataset import admin_views

urlpatterns = [
    path("admin/data-quality/", admin.site.admin_view(admin_views.data_quality), name="admin-data-quality"),
    path("admin/bulk-import/", admin.site.admin_view(admin_views.bulk_import), name="admin-bulk-import"),
    path("admin/changes-since/", admin.site.admin_view(admin_views.changes_since), name="admin-changes-since"),
    path("admin/search/", admin.site.admin_view(search.search_view), name="admin-search"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
] + i18n_patterns(
    # The public pages in each language: English unprefixed, /fr/… and /es/… (README "Languages").
    path("", include("apps.site.urls")),
    prefix_default_language=False,
)

handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
