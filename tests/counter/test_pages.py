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
    make_credit_code,
    make_id_number,
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


def enterprise_at_window(world, credit_code):
    return services.submit_application(
        actor=world["clerk"], item=world["item"], channel="window", delivery_method="window", now=timezone.now(),
        applicant={"name": "深圳市示范餐饮管理有限公司", "credit_code": credit_code, "agent_name": "刘经办",
                   "agent_id_number": make_id_number(42), "phone": "13800138001"})


def test_the_walk_in_form_asks_for_a_person_or_an_enterprise_with_its_acting_person(world):
    page = client_for(world["clerk"]).get(f"/counter/intake/?item={world['item'].code}").content.decode()
    for name in ("applicant.kind", "applicant.id_number", "applicant.credit_code", "applicant.agent_name",
                 "applicant.agent_id_number"):
        assert f'name="{name}"' in page
    assert 'data-when="applicant.kind=enterprise" hidden' in page and 'data-check="uscc"' in page


def test_an_enterprises_application_page_names_it_its_code_and_its_masked_acting_person(world):
    application = enterprise_at_window(world, make_credit_code(42))
    page = client_for(world["clerk"]).get(f"/counter/applications/{application.pk}/").content.decode()
    assert "深圳市示范餐饮管理有限公司" in page and make_credit_code(42) in page
    assert "刘经办" in page and application.masked_agent_id_number in page
    assert make_id_number(42) not in page


def test_the_clerks_queue_finds_an_enterprise_by_its_credit_code(world):
    application = enterprise_at_window(world, make_credit_code(42))
    other = submit(world)
    page = client_for(world["clerk"]).get("/counter/", {"q": make_credit_code(42).lower()}).content.decode()
    assert application.tracking_number in page and other.tracking_number not in page
    assert make_credit_code(42) in page  # under the enterprise's name in the queue
