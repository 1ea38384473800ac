from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.converters import IdConverter
from apps.portal.views import home

register_converter(IdConverter, "id")

api_v1 = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.catalog.api.urls")),
    path("", include("apps.applications.api.urls")),
    path("", include("apps.evaluation.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.supervision.api.urls")),
    path("", include("apps.portal.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("counter/", include("apps.counter.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", home, name="home"),  # the front page is the citizen portal's
    path("", include("apps.portal.urls")),
    path("", include("apps.core.urls")),
]
