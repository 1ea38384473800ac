from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The managers' pages and the public statistics page: server-rendered over the analytics selectors."""

    name = "apps.dashboard"
    verbose_name = _("Dashboard")
