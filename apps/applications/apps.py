from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "apps.applications"
    verbose_name = _("Applications")

    def ready(self):
        from . import receivers  # noqa: F401  recompute provisional deadlines when the calendar changes
