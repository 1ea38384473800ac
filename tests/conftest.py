"""The suite's fixtures: a fresh process state for every test, and a small district (one item, one hall with a
window, one user per role) with applications made through the services."""

import os

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.applications import services
from apps.workdays.calendar import clear_cache as clear_calendar
from govservice.celery import app as celery_app
from tests.factories import (
    DepartmentFactory,
    HallFactory,
    ServiceItemFactory,
    UserFactory,
    WindowFactory,
    hand_in_materials,
)
from tests.helpers import at

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
def _default_language():
    """A request in English leaves English active in the thread: the next test starts in the default language."""
    yield
    translation.deactivate()


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


# ---- a small district -----------------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return DepartmentFactory(code="SAMR", name="市场监督管理局")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="HEALTH", name="卫生健康局")


@pytest.fixture
def item(department):
    """Promised 5 working days (steps 3 + 2), legal 20, at most one visit."""
    return ServiceItemFactory(code="000104002000", name="食品经营许可", department=department,
                              promised_limit_days=5, legal_limit_days=20, max_visits=1, visit_reason="须现场核验")


@pytest.fixture
def hall(db):
    return HallFactory(code="QZX", name="区政务服务中心")


@pytest.fixture
def other_hall(db):
    return HallFactory(code="DC", name="东城街道便民服务中心", level="street")


@pytest.fixture
def window(hall):
    return WindowFactory(hall=hall, number="01")


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen", role=Role.CITIZEN, name="张明")


@pytest.fixture
def other_citizen(db):
    return UserFactory(username="citizen2", role=Role.CITIZEN, name="李华")


@pytest.fixture
def enterprise(db):
    return UserFactory(username="enterprise", enterprise=True, name="深圳市示范科技有限公司")


@pytest.fixture
def clerk(hall, window):
    return UserFactory(username="clerk", role=Role.CLERK, hall=hall, window=window, id_number="")


@pytest.fixture
def other_clerk(other_hall):
    return UserFactory(username="clerk2", role=Role.CLERK, hall=other_hall, id_number="")


@pytest.fixture
def approver(department):
    return UserFactory(username="approver", role=Role.APPROVER, department=department, id_number="")


@pytest.fixture
def other_approver(other_department):
    return UserFactory(username="approver2", role=Role.APPROVER, department=other_department, id_number="")


@pytest.fixture
def manager(department):
    return UserFactory(username="manager", role=Role.MANAGER, department=department, id_number="")


@pytest.fixture
def district_manager(db):
    return UserFactory(username="dmanager", role=Role.MANAGER, id_number="")


@pytest.fixture
def other_manager(other_department):
    return UserFactory(username="manager2", role=Role.MANAGER, department=other_department, id_number="")


@pytest.fixture
def administrator(db):
    return UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True, id_number="")


@pytest.fixture
def as_user():
    """`as_user(user)` → an API client signed in as that user."""
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return make


@pytest.fixture
def make_application(citizen, clerk, item):
    """`make_application(submitted_at=…)`: an online application of `citizen` for `item` (or the `item=` given),
    made through the services; accepted by `clerk` when `accepted_at=` is given, after the applicant hands every
    required material in at the window."""
    def make(*, submitted_at, accepted_at=None, item=item, applicant=citizen, delivery_method="electronic"):
        application = services.submit_application(actor=applicant, item=item, channel="online",
                                                  delivery_method=delivery_method, now=submitted_at)
        if accepted_at is None:
            return application
        hand_in_materials(application, clerk, accepted_at)
        return services.accept_application(application_id=application.pk, actor=clerk, now=accepted_at)
    return make


@pytest.fixture
def accepted_application(make_application):
    """Submitted on Monday 2026-11-02 at 09:00 and accepted at 10:00 by the clerk: its first step is active."""
    return make_application(submitted_at=at(2026, 11, 2, 9), accepted_at=at(2026, 11, 2, 10))
