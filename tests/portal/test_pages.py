"""The portal's pages through Django's test client: filters, who may open what, the rules behind the forms."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.identity import uscc_check_char
from apps.accounts.models import Role
from apps.applications import services
from apps.applications.api.views import TrackThrottle
from apps.catalog.models import Window
from apps.evaluation.services import answer_rectification, rate_application
from tests.factories import (
    DepartmentFactory,
    HallFactory,
    ServiceItemFactory,
    UserFactory,
    WindowFactory,
    hand_in_materials,
    make_id_number,
)
from tests.portal.helpers import upload_required

pytestmark = pytest.mark.django_db

CREDIT_17 = "91440300MA5F00001"
CREDIT = CREDIT_17 + uscc_check_char(CREDIT_17)


@pytest.fixture
def catalogue():
    samr = DepartmentFactory(code="SAMR", name="市场监督管理局")
    hrss = DepartmentFactory(code="HRSS", name="人力资源局")
    food = ServiceItemFactory(code="000104002000", name="食品经营许可", department=samr, max_visits=1,
                              visit_reason="须现场核验", result_name="食品经营许可证")
    pension = ServiceItemFactory(code="000201001000", name="养老保险关系转移", department=hrss, max_visits=0,
                                 item_type="public_service")
    store = ServiceItemFactory(code="000104003000", name="药品零售许可", department=samr, max_visits=2,
                               visit_reason="须现场核验", online=False)
    street = HallFactory(code="DC", level="street")
    window = WindowFactory(hall=street, number="01", kind=Window.Kind.DEDICATED)
    window.items.add(pension)
    HallFactory(code="QZX", level="district")
    return {"food": food, "pension": pension, "store": store}


def names(response):
    return {guide.name for guide in response.context["page"]}


def test_the_catalogue_filters_by_keyword_department_type_visits_online_and_hall_level(client, catalogue):
    assert names(client.get("/guide/")) == {"食品经营许可", "养老保险关系转移", "药品零售许可"}
    assert names(client.get("/guide/", {"search": "许可证"})) == {"食品经营许可"}        # a word of the result
    assert names(client.get("/guide/", {"search": "000201"})) == {"养老保险关系转移"}
    assert names(client.get("/guide/", {"department": "SAMR"})) == {"食品经营许可", "药品零售许可"}
    assert names(client.get("/guide/", {"item_type": "public_service"})) == {"养老保险关系转移"}
    assert names(client.get("/guide/", {"visits_at_most": "0"})) == {"养老保险关系转移"}
    assert names(client.get("/guide/", {"visits_at_most": "1"})) == {"食品经营许可", "养老保险关系转移"}
    assert names(client.get("/guide/", {"online": "true"})) == {"食品经营许可", "养老保险关系转移"}
    assert names(client.get("/guide/", {"hall_level": "street"})) == {"养老保险关系转移"}
    assert client.get("/guide/", {"visits_at_most": "x"}).context["filter"].errors


def test_a_guide_shows_every_field_and_says_free_of_charge(client, catalogue):
    response = client.get(f"/guide/{catalogue['food'].code}/")
    text = response.content.decode()
    assert response.status_code == 200
    for part in ("《中华人民共和国行政许可法》", "申请人应当具备完全民事行为能力", "申请表", "审查", "不收费",
                 "食品经营许可证"):
        assert part in text
    assert client.get("/guide/999/").status_code == 404


def test_the_front_page_is_the_portals_and_shows_staff_the_way_to_their_pages(client, catalogue):
    assert 'href="/guide/"' in client.get("/").content.decode()
    clerk = UserFactory(role=Role.CLERK, hall=HallFactory(code="X1"), id_number="")
    client.force_login(clerk)
    assert 'href="/counter/"' in client.get("/").content.decode()


def test_personal_pages_are_an_applicants_own(client, catalogue):
    assert client.get("/my/applications/").status_code == 302
    citizen, other = UserFactory(role=Role.CITIZEN), UserFactory(role=Role.CITIZEN)
    application = services.submit_application(actor=citizen, item=catalogue["food"], channel="online",
                                              delivery_method="electronic", now=timezone.now())
    client.force_login(other)
    assert client.get(f"/my/applications/{application.pk}/").status_code == 404
    client.force_login(citizen)
    page = client.get(f"/my/applications/{application.pk}/")
    assert page.status_code == 200 and "upload_material" in page.context["actions"]
    assert [m.name for m in page.context["missing"]] == ["申请表", "身份证明"]
    assert client.get(f"/my/applications/{application.pk}/?part=case").status_code == 200
    client.force_login(UserFactory(role=Role.APPROVER, department=catalogue["food"].department, id_number=""))
    assert client.get("/my/applications/").status_code == 403
    assert client.get(f"/apply/{catalogue['food'].code}/").status_code == 403


def test_an_item_that_cannot_be_done_online_has_no_apply_page(client, catalogue):
    client.force_login(UserFactory(role=Role.CITIZEN))
    assert client.get(f"/apply/{catalogue['store'].code}/").status_code == 404
    assert client.get(f"/apply/{catalogue['food'].code}/").status_code == 200


def test_tracking_is_rate_limited_like_the_api(client, catalogue, monkeypatch):
    cache.clear()
    monkeypatch.setattr(TrackThrottle, "THROTTLE_RATES", {"track": "2/min"})
    for _ in range(2):
        assert client.get("/track/", {"tracking_number": "WEB-1", "code": "X"}).status_code == 200
    refused = client.get("/track/", {"tracking_number": "WEB-1", "code": "X"})
    assert refused.status_code == 429 and refused["Retry-After"]
    client.force_login(UserFactory(role=Role.CITIZEN))                      # signing in does not lift it
    assert client.get("/track/", {"tracking_number": "WEB-1", "code": "X"}).status_code == 429
    assert client.get("/api/v1/track/WEB-1/", {"code": "X"}).status_code == 429   # one counter with the API


def test_an_enterprise_registers_through_the_api_with_a_checked_credit_code(api_client):
    body = {"username": "ent", "password": "Portal-2026-pass", "name": "深圳市示范科技有限公司",
            "credit_code": CREDIT, "agent_name": "李经办", "agent_id_number": make_id_number(3),
            "phone": "13700001111"}
    wrong = api_client.post("/api/v1/auth/register/enterprise/", {**body, "credit_code": CREDIT[:17] + "0"
                            if CREDIT[17] != "0" else CREDIT[:17] + "1"}, format="json")
    assert wrong.status_code == 400 and "credit_code" in wrong.json()
    for agent_id in ("", body["agent_id_number"][:17] + ("1" if body["agent_id_number"][17] == "0" else "0")):
        refused = api_client.post("/api/v1/auth/register/enterprise/", {**body, "agent_id_number": agent_id},
                                  format="json")
        assert refused.status_code == 400 and "agent_id_number" in refused.json()
    created = api_client.post("/api/v1/auth/register/enterprise/", body, format="json")
    assert created.status_code == 201 and created.json()["role"] == "citizen"
    assert get_user_model().objects.get(username="ent").agent_id_number == body["agent_id_number"]
    again = api_client.post("/api/v1/auth/register/enterprise/", {**body, "username": "ent2"}, format="json")
    assert again.status_code == 400
    assert "user_credit_code_unique" not in again.content.decode()


def test_a_bad_rating_needs_a_reason(catalogue):
    citizen, clerk = UserFactory(role=Role.CITIZEN), UserFactory(role=Role.CLERK, hall=HallFactory(code="Y"),
                                                                 id_number="")
    application = services.submit_application(actor=citizen, item=catalogue["food"], channel="online",
                                              delivery_method="electronic", now=timezone.now())
    services.reject_application(application_id=application.pk, actor=clerk, reason="不属于本区", now=timezone.now())
    with pytest.raises(Exception) as refused:
        rate_application(application_id=application.pk, rater=citizen, score=1, comment=" ", now=timezone.now())
    assert "comment" in refused.value.message_dict
    assert rate_application(application_id=application.pk, rater=citizen, score=1, comment="理由不清",
                            now=timezone.now()).rectification


def test_a_draft_is_kept_on_the_server_until_an_application_for_the_item_is_sent(api_client, client, catalogue):
    citizen = UserFactory(role=Role.CITIZEN)
    code = catalogue["food"].code
    api_client.force_authenticate(citizen)
    assert api_client.get(f"/api/v1/drafts/{code}/").status_code == 404
    bad = api_client.put(f"/api/v1/drafts/{code}/", {"delivery_method": "pigeon"}, format="json")
    assert bad.status_code == 400 and "delivery_method" in bad.json()
    saved = api_client.put(f"/api/v1/drafts/{code}/", {"delivery_method": "mail", "delivery_address": "某路2号"},
                           format="json")
    assert saved.status_code == 200
    assert api_client.get(f"/api/v1/drafts/{code}/").json()["delivery_address"] == "某路2号"
    assert api_client.put(f"/api/v1/drafts/{catalogue['store'].code}/", {}, format="json").status_code == 404
    client.force_login(citizen)
    assert client.get(f"/apply/{code}/").context["draft"].delivery_method == "mail"
    services.submit_application(actor=citizen, item=catalogue["food"], channel="online", delivery_method="mail",
                                delivery_address="某路2号", now=timezone.now())
    assert client.get(f"/apply/{code}/").context["draft"] is None
    staff = UserFactory(role=Role.APPROVER, department=catalogue["food"].department, id_number="")
    api_client.force_authenticate(staff)
    assert api_client.put(f"/api/v1/drafts/{code}/", {}, format="json").status_code == 403


def test_the_rater_says_once_after_the_answer_whether_it_satisfies_them(api_client, catalogue):
    citizen, other = UserFactory(role=Role.CITIZEN), UserFactory(role=Role.CITIZEN)
    clerk = UserFactory(role=Role.CLERK, hall=HallFactory(code="Z"), id_number="")
    manager = UserFactory(role=Role.MANAGER, id_number="")
    application = services.submit_application(actor=citizen, item=catalogue["food"], channel="online",
                                              delivery_method="electronic", now=timezone.now())
    services.reject_application(application_id=application.pk, actor=clerk, reason="不属于本区", now=timezone.now())
    rectification = rate_application(application_id=application.pk, rater=citizen, score=2, comment="没说清楚",
                                      now=timezone.now()).rectification
    url = f"/api/v1/rectifications/{rectification.pk}/follow-up/"
    api_client.force_authenticate(citizen)
    assert api_client.post(url, {"satisfied": True}, format="json").status_code == 409     # not answered yet
    answer_rectification(rectification_id=rectification.pk, actor=manager, answer="已说明", now=timezone.now())
    assert api_client.post(url, {}, format="json").status_code == 400
    api_client.force_authenticate(other)
    assert api_client.post(url, {"satisfied": True}, format="json").status_code == 404
    api_client.force_authenticate(manager)
    assert api_client.post(url, {"satisfied": True}, format="json").status_code == 403
    api_client.force_authenticate(citizen)
    answered = api_client.post(url, {"satisfied": False}, format="json")
    assert answered.status_code == 200 and answered.json()["applicant_satisfied"] is False
    assert api_client.post(url, {"satisfied": True}, format="json").status_code == 409


def test_an_enterprise_gets_the_apply_form_and_reviews_its_name_code_and_acting_person(client, catalogue):
    enterprise = UserFactory(enterprise=True)
    client.force_login(enterprise)
    page = client.get(f"/apply/{catalogue['food'].code}/").content.decode()
    assert 'id="apply"' in page and 'id="enterprise-note"' not in page
    assert enterprise.credit_code in page and "李经办" in page and enterprise.masked_agent_id_number in page
    assert enterprise.agent_id_number not in page


def test_an_enterprise_sees_its_window_application_among_its_own(client, catalogue):
    enterprise = UserFactory(enterprise=True)
    clerk = UserFactory(role=Role.CLERK, hall=HallFactory(code="Q"), id_number="")
    application = services.submit_application(
        actor=clerk, item=catalogue["food"], channel="window", delivery_method="window", now=timezone.now(),
        applicant={"name": enterprise.name, "credit_code": enterprise.credit_code, "agent_name": "王代办",
                   "agent_id_number": make_id_number(9), "phone": enterprise.phone})
    client.force_login(enterprise)
    assert application.tracking_number in client.get("/my/applications/").content.decode()
    assert client.get(f"/my/applications/{application.pk}/").status_code == 200


def test_public_decisions_name_an_enterprise_by_the_applications_code_not_an_account(client, catalogue):
    clerk = UserFactory(role=Role.CLERK, hall=HallFactory(code="Q"), id_number="")
    approver = UserFactory(role=Role.APPROVER, department=catalogue["food"].department, id_number="")
    application = services.submit_application(
        actor=clerk, item=catalogue["food"], channel="window", delivery_method="window", now=timezone.now(),
        applicant={"name": "深圳市无账号餐饮有限公司", "credit_code": CREDIT, "agent_name": "王代办",
                   "agent_id_number": make_id_number(9), "phone": "13700001111"})
    hand_in_materials(application, clerk, timezone.now())
    services.accept_application(application_id=application.pk, actor=clerk, now=timezone.now())
    for step in application.steps.order_by("order"):
        services.approve_step(application_id=application.pk, step_id=step.pk, actor=approver, comment="",
                              now=timezone.now())
    assert application.applicant is None
    for search in ("", "无账号", CREDIT.lower()):
        page = client.get("/decisions/", {"search": search}).content.decode()
        assert "深圳市无账号餐饮有限公司" in page and CREDIT in page, search


def test_my_applications_reads_in_a_fixed_number_of_queries(client, catalogue):
    citizen = UserFactory(role=Role.CITIZEN)
    clerk = UserFactory(role=Role.CLERK, hall=HallFactory(code="Q"), id_number="")
    client.force_login(citizen)
    counts = []
    for n in (1, 4):
        while citizen.applications.count() < n:
            application = services.submit_application(actor=citizen, item=catalogue["food"], channel="online",
                                                      delivery_method="electronic", now=timezone.now())
            upload_required(application, citizen)
            services.accept_application(application_id=application.pk, actor=clerk, now=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/my/applications/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
