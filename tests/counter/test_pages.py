"""The workbench pages, read on the server: who may open what, and what the queues say."""

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import Role
from apps.applications import services
from tests.factories import (
    DepartmentFactory,
    HallFactory,
    ServiceItemFactory,
    UserFactory,
    WindowFactory,
    hand_in_materials,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    department = DepartmentFactory(code="SAMR")
    hall = HallFactory(code="QZX")
    item = ServiceItemFactory(code="000104002000", name="食品经营许可", department=department)
    clerk = UserFactory(username="clerk", role=Role.CLERK, hall=hall, window=WindowFactory(hall=hall),
                        id_number="")
    approver = UserFactory(username="approver", role=Role.APPROVER, department=department, id_number="")
    citizen = UserFactory(username="citizen", role=Role.CITIZEN)
    return {"item": item, "clerk": clerk, "approver": approver, "citizen": citizen}


def client_for(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def submit(world):
    return services.submit_application(actor=world["citizen"], item=world["item"], channel="online",
                                       delivery_method="electronic", now=timezone.now())


def test_a_clerk_sees_waiting_applications_with_their_working_days(world):
    application = submit(world)
    page = client_for(world["clerk"]).get("/counter/").content.decode()
    assert application.tracking_number in page and "/ 5" in page
    assert application.tracking_number not in client_for(world["clerk"]).get("/counter/?q=nomatch").content.decode()


def test_an_approver_sees_the_inbox_with_counts_and_may_not_take_in(world):
    application = submit(world)
    hand_in_materials(application, world["clerk"], timezone.now())
    services.accept_application(application_id=application.pk, actor=world["clerk"], now=timezone.now())
    approver = client_for(world["approver"])
    inbox = approver.get("/counter/?part=inbox")
    assert inbox.status_code == 200 and application.tracking_number in inbox.content.decode()
    assert approver.get("/counter/intake/").status_code == 403


def test_the_intake_finds_items_by_name_or_code_and_an_unknown_item_is_404(world):
    clerk = client_for(world["clerk"])
    assert "食品经营许可" in clerk.get("/counter/intake/?part=results&q=食品").content.decode()
    assert "食品经营许可" in clerk.get("/counter/intake/?part=results&q=000104002").content.decode()
    assert clerk.get("/counter/intake/?item=999").status_code == 404


def test_an_application_page_offers_only_what_the_person_may_do(world):
    application = submit(world)
    clerk_page = client_for(world["clerk"]).get(f"/counter/applications/{application.pk}/").content.decode()
    assert "/accept/" in clerk_page and "/request-correction/" in clerk_page
    assert client_for(world["approver"]).get(f"/counter/applications/{application.pk}/").status_code == 200
    approver_page = client_for(world["approver"]).get(f"/counter/applications/{application.pk}/").content.decode()
    assert "/accept/" not in approver_page
    assert client_for(world["citizen"]).get(f"/counter/applications/{application.pk}/").status_code == 403


def test_an_application_page_reads_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    application = submit(world)
    clerk = client_for(world["clerk"])
    with django_assert_max_num_queries(30):
        assert clerk.get(f"/counter/applications/{application.pk}/").status_code == 200
