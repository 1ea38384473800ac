from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Core"

    def ready(self):
        from . import metrics, request_id  # noqa: F401  connect their Celery signals (request id, task counts)
