from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Channels (in-app, e-mail, SMS) and sending after commit; knows recipients and messages, not cases."""

    name = "apps.notifications"
    verbose_name = _("Notifications")
