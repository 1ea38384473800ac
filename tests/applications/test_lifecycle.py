"""The whole lifecycle through the API, as a citizen, a clerk, an approver and a manager would."""

import pytest

from tests.helpers import active_step, apply_at_window, apply_online, at, hand_in_at_window, post, url

pytestmark = pytest.mark.django_db


def test_online_application_with_electronic_delivery_needs_no_visit(as_user, citizen, clerk, approver, item):
    created = apply_online(as_user(citizen), item)
    assert created["status"] == "submitted"
    assert created["tracking_number"].startswith("WEB-")
    assert created["verification_code"]

    hand_in_at_window(as_user(clerk), created["id"])
    accepted = post(as_user(clerk), created["id"], "accept").json()
    assert accepted["status"] == "accepted"
    assert accepted["due_date"] and accepted["legal_due_date"]
    first = active_step(accepted)
    assert first["order"] == 1 and first["due_date"]

    after_first = post(as_user(approver), created["id"], f"steps/{first['id']}/approve", {"comment": "材料齐全"})
    assert after_first.status_code == 200
    second = active_step(after_first.json())
    assert second["order"] == 2
    decided = post(as_user(approver), created["id"], f"steps/{second['id']}/approve").json()
    assert decided["status"] == "approved" and decided["decided_at"]

    delivered = post(as_user(clerk), created["id"], "deliver", {"method": "electronic"}).json()
    assert delivered["status"] == "delivered"
    assert delivered["visits_count"] == 0
    assert delivered["visits_within_limit"] is True
    actions = [event["action"] for event in delivered["events"]]
    assert actions == ["submitted", "materials_received", "accepted", "step_approved", "step_approved", "delivered"]


def test_window_application_collected_at_the_window_counts_two_visits(as_user, citizen, clerk, approver, item):
    created = apply_at_window(as_user(clerk), item, citizen)
    assert created["tracking_number"].startswith("QZX-")
    assert created["visits_count"] == 1
    hand_in_at_window(as_user(clerk), created["id"])
    post(as_user(clerk), created["id"], "accept")
    for _ in range(2):
        step = active_step(as_user(approver).get(url(created["id"])).json())
        post(as_user(approver), created["id"], f"steps/{step['id']}/approve")
    delivered = post(as_user(clerk), created["id"], "deliver", {"method": "window"}).json()
    assert delivered["visits_count"] == 2
    assert delivered["visits_within_limit"] is False  # the item allows one visit
    # The citizen whose ID the clerk entered sees the application in their own list.
    mine = as_user(citizen).get("/api/v1/applications/").json()
    assert [row["id"] for row in mine["results"]] == [created["id"]]


def test_online_application_delivered_by_mail_is_zero_visits(as_user, citizen, clerk, approver, item):
    created = apply_online(as_user(citizen), item, delivery="mail", delivery_address="深圳市某区某路 8 号")
    hand_in_at_window(as_user(clerk), created["id"])
    post(as_user(clerk), created["id"], "accept")
    for _ in range(2):
        step = active_step(as_user(approver).get(url(created["id"])).json())
        post(as_user(approver), created["id"], f"steps/{step['id']}/approve")
    assert post(as_user(clerk), created["id"], "deliver", {"method": "mail"}).status_code == 400   # no waybill
    delivered = post(as_user(clerk), created["id"], "deliver", {"method": "mail", "reference": "SF1234567890"})
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["delivery_reference"] == "SF1234567890"
    assert delivered.json()["visits_count"] == 0


def test_denial_states_the_reason_and_can_be_delivered_and_rated(as_user, citizen, clerk, approver, item):
    created = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), created["id"])
    step = active_step(post(as_user(clerk), created["id"], "accept").json())
    assert post(as_user(approver), created["id"], f"steps/{step['id']}/deny", {"reason": ""}).status_code == 400
    denied = post(as_user(approver), created["id"], f"steps/{step['id']}/deny", {"reason": "场所面积不足"}).json()
    assert denied["status"] == "denied" and denied["decision_reason"] == "场所面积不足"
    assert {s["status"] for s in denied["steps"]} == {"denied", "cancelled"}
    assert "denial" in denied["notices"]
    assert post(as_user(clerk), created["id"], "deliver", {"method": "electronic"}).json()["status"] == "delivered"
    rated = post(as_user(citizen), created["id"], "rating", {"score": 2, "comment": "等了很久"})
    assert rated.json()["rectification_due"]


def test_events_are_append_only(as_user, citizen, item):
    from apps.applications.models import Event
    created = apply_online(as_user(citizen), item)
    event = Event.objects.get(application_id=created["id"])
    event.action = "forged"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_online_application_collected_at_a_window_is_one_visit_within_the_limit(as_user, citizen, clerk, approver,
                                                                                item):
    created = apply_online(as_user(citizen), item, delivery="window")
    hand_in_at_window(as_user(clerk), created["id"])
    post(as_user(clerk), created["id"], "accept")
    for _ in range(2):
        step = active_step(as_user(approver).get(url(created["id"])).json())
        post(as_user(approver), created["id"], f"steps/{step['id']}/approve")
    delivered = post(as_user(clerk), created["id"], "deliver", {"method": "window"}).json()
    assert delivered["visits_count"] == 1
    assert delivered["visits"][0]["purpose"] == "collect"
    assert delivered["visits_within_limit"] is True   # 最多跑一次


def test_a_deemed_accepted_application_is_delivered_by_any_clerk(as_user, make_application, citizen, clerk,
                                                                 approver):
    """逾期视为受理 leaves the case without a hall (no clerk took it in): delivering it must still work, and the
    clerk who handed it over must still see it afterwards (the soak found it answered 404 and rolled back)."""
    from apps.applications import services

    application = make_application(submitted_at=at(2026, 11, 2, 9))
    services.deem_accept_application(application_id=application.pk, now=at(2026, 11, 10, 0, 5))
    for _ in range(2):
        step = active_step(as_user(approver).get(url(application.pk)).json())
        post(as_user(approver), application.pk, f"steps/{step['id']}/approve")
    delivered = post(as_user(clerk), application.pk, "deliver", {"method": "electronic"}, **{"Idempotency-Key": "d1"})
    assert delivered.status_code == 200, delivered.json()
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["hall"]["code"] == clerk.hall.code  # handed over at this clerk's hall
    assert as_user(citizen).get(url(application.pk)).json()["status"] == "delivered"
