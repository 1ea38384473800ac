from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """电子监察: the jobs that flag deadlines, deem acceptance and remind; and the alerts they raise."""

    name = "apps.supervision"
    verbose_name = _("Electronic supervision")
