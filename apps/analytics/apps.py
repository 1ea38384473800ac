from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Managers' figures: approval times, visits, ratings, the reform ledger, exports, the audit check."""

    name = "apps.analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from . import receivers  # noqa: F401
