import os

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.workdays.calendar import clear_cache as clear_calendar
from govservice.celery import app as celery_app

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.2 s per user; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Notifications are sent by Celery tasks after commit; in tests they run in-process. The test that
    proves a real worker does the work turns this off."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate-limit counters live in the cache, and the working-day calendar in the process: a test that
    changed calendar rows is rolled back without its commit hooks, so each test starts from the database."""
    cache.clear()
    clear_calendar()
    yield
    cache.clear()
    clear_calendar()


@pytest.fixture
def api_client():
    return APIClient()
