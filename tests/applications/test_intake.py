"""收件与受理: refusal, one-time correction, resubmission, withdrawal, and their error codes."""

import pytest

from apps.applications import services
from apps.applications.models import Event
from apps.core.errors import Conflict, NotFound
from tests.helpers import apply_at_window, apply_online, at, hand_in_at_window, post, url

pytestmark = pytest.mark.django_db


def test_refusal_needs_a_reason_and_ends_the_application(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    assert post(as_user(clerk), app["id"], "reject", {"reason": ""}).status_code == 400
    refused = post(as_user(clerk), app["id"], "reject", {"reason": "不属于本机关职权范围"}).json()
    assert refused["status"] == "rejected"
    assert refused["decision_reason"] == "不属于本机关职权范围"
    assert "refusal" in refused["notices"]
    assert post(as_user(clerk), app["id"], "accept").status_code == 409


def test_one_time_correction_notice_lists_everything_then_resubmission_starts_a_new_intake(as_user, citizen, clerk,
                                                                                           item):
    app = apply_online(as_user(citizen), item)
    materials = as_user(citizen).get(f"/api/v1/service-items/{item.code}/").json()["materials"]
    items = [{"material": m["id"], "problem": "缺少签名"} for m in materials]
    noticed = post(as_user(clerk), app["id"], "request-correction", {"items": items, "note": "请一次补齐"}).json()
    assert noticed["status"] == "correction_requested"
    assert len(noticed["correction_notices"][0]["items"]) == len(materials)
    assert noticed["correction_notices"][0]["is_violation"] is False
    assert "correction" in noticed["notices"]

    assert post(as_user(clerk), app["id"], "accept").status_code == 409
    resubmitted = post(as_user(citizen), app["id"], "resubmit").json()
    assert resubmitted["status"] == "submitted"
    assert resubmitted["correction_notices"][0]["answered_at"]


def test_a_second_correction_notice_needs_a_reason_and_is_recorded_as_a_violation(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    material = as_user(citizen).get(f"/api/v1/service-items/{item.code}/").json()["materials"][0]["id"]
    body = {"items": [{"material": material, "problem": "模糊"}]}
    post(as_user(clerk), app["id"], "request-correction", body)
    post(as_user(citizen), app["id"], "resubmit")
    refused = post(as_user(clerk), app["id"], "request-correction", body)
    assert refused.status_code == 400
    assert "violation_reason" in refused.json()
    second = post(as_user(clerk), app["id"], "request-correction",
                  {**body, "violation_reason": "申请人更换了经营场所"}).json()
    assert second["correction_notices"][1]["is_violation"] is True
    event = Event.objects.filter(application_id=app["id"], action="correction_requested").last()
    assert event.payload["violation"] is True


def test_correction_items_must_be_materials_of_the_item(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    response = post(as_user(clerk), app["id"], "request-correction", {"items": [{"material": 999999,
                                                                                 "problem": "x"}]})
    assert response.status_code == 400
    assert post(as_user(clerk), app["id"], "request-correction", {"items": []}).status_code == 400


def test_withdrawal_before_a_decision_cancels_the_open_steps(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), app["id"])
    post(as_user(clerk), app["id"], "accept")
    withdrawn = post(as_user(citizen), app["id"], "withdraw", {"reason": "不再需要"}).json()
    assert withdrawn["status"] == "withdrawn"
    assert {step["status"] for step in withdrawn["steps"]} == {"cancelled"}
    assert post(as_user(citizen), app["id"], "withdraw").status_code == 409


def test_instant_item_is_decided_at_acceptance(as_user, citizen, clerk, department):
    from tests.factories import ServiceItemFactory
    instant = ServiceItemFactory(code="000148005000", name="生育登记", department=department, instant=True,
                                 promised_limit_days=0, legal_limit_days=0)
    app = apply_at_window(as_user(clerk), instant, citizen, delivery="electronic")
    hand_in_at_window(as_user(clerk), app["id"])
    decided = post(as_user(clerk), app["id"], "accept").json()
    assert decided["status"] == "approved"
    assert decided["decided_at"]


def test_citizens_apply_online_only_and_clerks_at_windows_only(as_user, citizen, clerk, item):
    response = as_user(citizen).post("/api/v1/applications/", {
        "service_item": item.code, "channel": "window", "delivery_method": "mail"}, format="json")
    assert response.status_code == 400
    response = as_user(clerk).post("/api/v1/applications/", {
        "service_item": item.code, "channel": "window", "delivery_method": "window"}, format="json")
    assert response.status_code == 400 and "applicant" in response.json()


def test_bad_input_is_400_never_500(as_user, citizen, item):
    client = as_user(citizen)
    assert client.post("/api/v1/applications/", {"service_item": "nope", "channel": "online",
                                                 "delivery_method": "mail"}, format="json").status_code == 404
    assert client.post("/api/v1/applications/", {"service_item": item.code, "channel": "online",
                                                 "delivery_method": "pigeon"}, format="json").status_code == 400
    assert client.post("/api/v1/applications/", {"service_item": item.code, "channel": "online",
                                                 "delivery_method": "mail"}, format="json").status_code == 400
    assert client.post("/api/v1/applications/", "not json", content_type="application/json").status_code == 400
    assert client.post("/api/v1/applications/", {"service_item": item.code, "channel": "online",
                                                 "delivery_method": "electronic", "form_data": [1, 2]},
                       format="json").status_code == 400
    assert client.get(url(999999)).status_code == 404


def test_services_refuse_with_domain_errors_that_a_task_can_catch(make_application, clerk):
    """A service never raises an HTTP exception: a Celery task gets the same refusal the API maps to 404 or 409."""
    with pytest.raises(NotFound):
        services.accept_application(application_id=999999, actor=clerk, now=at(2026, 11, 2, 10))
    app = make_application(submitted_at=at(2026, 11, 2, 9))
    services.reject_application(application_id=app.pk, actor=clerk, reason="材料不符", now=at(2026, 11, 2, 10))
    with pytest.raises(Conflict) as refused:
        services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 11, 2, 11))
    assert refused.value.code == "transition_not_allowed"


def test_the_application_list_refuses_an_unknown_status_or_flag(as_user, citizen, item):
    client = as_user(citizen)
    apply_online(client, item)
    assert client.get("/api/v1/applications/?status=submitted").json()["count"] == 1
    assert client.get("/api/v1/applications/?flag=normal&status=accepted").json()["count"] == 0
    for query in ("status=lost", "flag=purple"):
        refused = client.get(f"/api/v1/applications/?{query}")
        assert refused.status_code == 400 and query.split("=")[0] in refused.json()


def test_clerk_applicant_id_number_is_checked(as_user, clerk, item):
    response = as_user(clerk).post("/api/v1/applications/", {
        "service_item": item.code, "channel": "window", "delivery_method": "window",
        "applicant": {"name": "王五", "id_number": "110105194912310021", "phone": "13912345678"}}, format="json")
    assert response.status_code == 400
    assert "id_number" in response.json()["applicant"]


def test_ids_too_large_for_the_database_are_404_not_500(as_user, citizen, clerk, item):
    huge = "9" * 25
    app = apply_online(as_user(citizen), item)
    assert as_user(citizen).get(f"/api/v1/applications/{huge}/").status_code == 404
    assert as_user(clerk).post(f"/api/v1/applications/{app['id']}/steps/{huge}/approve/").status_code == 404
    assert as_user(clerk).post(f"/api/v1/alerts/{huge}/acknowledge/").status_code == 404


def test_a_tracking_number_taken_already_is_a_400_on_the_field_and_nothing_is_written(as_user, citizen, item,
                                                                                      monkeypatch):
    """The database checks the number's uniqueness on insert; its refusal answers as the model check would."""
    from apps.applications.models import Application
    from apps.applications.services import intake

    taken = apply_online(as_user(citizen), item)["tracking_number"]
    monkeypatch.setattr(intake, "next_tracking_number", lambda prefix, now: taken)
    response = as_user(citizen).post("/api/v1/applications/", {"service_item": item.code, "channel": "online",
                                                               "delivery_method": "electronic"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["tracking_number"]
    assert Application.objects.count() == 1
    assert Event.objects.count() == 1
