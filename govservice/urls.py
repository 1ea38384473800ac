from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.converters import IdConverter
from apps.dashboard.views import public_stats

register_converter(IdConverter, "id")

api_v1 = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.catalog.api.urls")),
    path("", include("apps.applications.api.urls")),
    path("", include("apps.evaluation.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.supervision.api.urls")),
    path("", include("apps.analytics.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("counter/", include("apps.counter.urls")),
    path("dashboard/", include("apps.dashboard.urls")),
    path("stats/", public_stats, name="public-stats"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("apps.core.urls")),
]
