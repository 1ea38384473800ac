from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import health, metrics

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that name no icon (the API's JSON, a PDF).
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
