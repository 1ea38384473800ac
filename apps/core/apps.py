from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "Core"

    def ready(self):
        from . import request_id  # noqa: F401  connects the Celery signals that carry the request id
