import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from apps.catalog.models import Department, Hall, ItemVersion, ServiceItem, Window

pytestmark = pytest.mark.django_db


def counts():
    return (ServiceItem.objects.count(), ItemVersion.objects.count(), Department.objects.count(),
            Hall.objects.count(), Window.objects.count(), get_user_model().objects.count())


def test_seed_demo_loads_a_realistic_district_and_changes_nothing_the_second_time():
    call_command("seed_demo")
    first = counts()
    items, versions, departments, halls, windows, users = first
    assert items >= 12 and departments >= 6
    assert versions == items
    assert set(Hall.objects.values_list("level", flat=True)) == {"district", "street", "community"}
    assert Hall.objects.filter(level="street").count() == 3
    assert Hall.objects.filter(level="community").count() == 2
    call_command("seed_demo")
    assert counts() == first


def test_demo_accounts_sign_in_and_approver_sits_in_the_busiest_department(api_client):
    call_command("seed_demo")
    for username in ["citizen", "clerk", "approver", "manager", "admin"]:
        response = api_client.post("/api/v1/auth/token/", {"username": username, "password": "demo12345"},
                                   format="json")
        assert response.status_code == 200, username
    approver = get_user_model().objects.get(username="approver")
    busiest = max(Department.objects.all(),
                  key=lambda d: ServiceItem.objects.filter(department=d).count())
    assert approver.department == busiest
    assert get_user_model().objects.get(username="admin").is_superuser


def test_every_demo_item_keeps_the_catalogue_rules():
    call_command("seed_demo")
    for item in ServiceItem.objects.prefetch_related("steps", "materials", "baseline_steps"):
        assert item.promised_limit_days <= item.legal_limit_days
        assert sum(s.allotted_days for s in item.steps.all()) <= item.promised_limit_days
        assert item.materials.exists()
        assert item.baseline_steps.count() >= item.steps.count()
        assert item.current_version is not None
