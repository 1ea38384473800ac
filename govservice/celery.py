"""The Celery app: configured from Django settings (CELERY_*), tasks found in every app."""

import os
from logging.config import dictConfig

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govservice.settings")

app = Celery("govservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _log_like_the_web_process(**kwargs):
    """The worker and beat write the same lines as the web process (LOG_FORMAT, the request id)."""
    from django.conf import settings

    dictConfig(settings.LOGGING)
