"""A small district for application tests: one item, one hall with a window, one user per role."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Role
from tests.factories import DepartmentFactory, HallFactory, ServiceItemFactory, UserFactory, WindowFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Smallest valid files of each accepted type.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def at(*args) -> datetime:
    """A moment in Asia/Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)


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
def admin_user(db):
    return UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True, id_number="")


@pytest.fixture
def as_user():
    """`as_user(user)` → an API client signed in as that user."""
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return make
