from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.converters import IdConverter
from apps.dashboard.views import public_stats
from apps.portal.views import home

register_converter(IdConverter, "id")

api_v1 = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.catalog.api.urls")),
    path("", include("apps.applications.api.urls")),
    path("", include("apps.evaluation.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.supervision.api.urls")),
    path("", include("apps.analytics.api.urls")),
    path("", include("apps.portal.api.urls")),
]

# Swagger UI's script as a file (the split view) under the site's CSP; only its page's own <style> is inline.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("apps.accounts.urls")),
    path("counter/", include("apps.counter.urls")),
    path("dashboard/", include("apps.dashboard.urls")),
    path("stats/", public_stats, name="public-stats"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("", home, name="home"),  # the front page is the citizen portal's
    path("", include("apps.portal.urls")),
    path("", include("apps.core.urls")),
]

# Errors under /api/ answer JSON in the API's error shape; a database outage is a 503 (apps.core.views).
handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
