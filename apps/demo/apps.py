from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo district: catalogue, halls and one account per role, loaded by `seed_demo`."""

    name = "apps.demo"
    verbose_name = _("Demo data")
