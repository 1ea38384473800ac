"""Who is told what: applicants on status changes, staff on flags; sending is retried and never loses a change."""

import pytest

from apps.notifications import channels
from apps.notifications.models import Notification
from apps.notifications.services import resend_pending
from apps.supervision.services import run_supervision
from tests.factories import ServiceItemFactory
from tests.helpers import apply_at_window, apply_online, at, hand_in_at_window, post

pytestmark = pytest.mark.django_db


def test_the_applicant_is_told_of_acceptance_decision_delivery_and_extension(django_capture_on_commit_callbacks,
                                                                             as_user, citizen, clerk, approver,
                                                                             manager, item):
    citizen.email = "zhang@example.cn"
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        app = apply_online(as_user(citizen), item)
        hand_in_at_window(as_user(clerk), app["id"])
        detail = post(as_user(clerk), app["id"], "accept").json()
        post(as_user(manager), app["id"], "extend", {"days": 3, "reason": "需专家论证"})
        for step in detail["steps"]:
            post(as_user(approver), app["id"], f"steps/{step['id']}/approve")
        post(as_user(clerk), app["id"], "deliver", {"method": "electronic"})
    topics = list(citizen.notifications.filter(channel="in_app").order_by("pk").values_list("topic", flat=True))
    assert topics == ["accepted", "extended", "approved", "delivered"]
    assert Notification.objects.filter(channel="email", address="zhang@example.cn").count() == 4
    assert Notification.objects.filter(channel="sms").count() == 4
    assert not Notification.objects.exclude(status="sent").exists()   # sent by the (in-process) task
    inbox = as_user(citizen).get("/api/v1/notifications/").json()
    assert inbox["count"] == 4


def test_an_applicant_without_an_account_is_told_by_sms(django_capture_on_commit_callbacks, as_user, clerk, item):
    from types import SimpleNamespace
    walk_in = SimpleNamespace(name="王五", id_number="11010519491231002X", phone="13700001111")
    with django_capture_on_commit_callbacks(execute=True):
        app = apply_at_window(as_user(clerk), item, walk_in)
        hand_in_at_window(as_user(clerk), app["id"])
        post(as_user(clerk), app["id"], "accept")
    sms = Notification.objects.get(channel="sms")
    assert sms.address == "13700001111" and sms.recipient is None and sms.topic == "accepted"


def test_flags_notify_the_step_department_and_its_managers_once(make_application, approver, manager, department):
    item = ServiceItemFactory(code="000900000200", department=department, promised_limit_days=1)
    make_application(item=item, submitted_at=at(2026, 11, 27, 9), accepted_at=at(2026, 11, 27, 10))
    run_supervision(now=at(2026, 12, 1, 9))
    run_supervision(now=at(2026, 12, 1, 10))
    approver_topics = sorted(approver.notifications.filter(channel="in_app").values_list("topic", flat=True))
    manager_topics = sorted(manager.notifications.filter(channel="in_app").values_list("topic", flat=True))
    assert approver_topics == ["alert_overdue"]             # the step's department
    assert manager_topics == ["alert_overdue", "alert_overdue"]   # the step and the application


def test_a_failed_send_is_retried_and_the_change_stays(monkeypatch, django_capture_on_commit_callbacks, as_user,
                                                       citizen, clerk, item):
    calls = []

    def flaky(notification):
        calls.append(notification.pk)
        if notification.channel == "sms" and len([c for c in calls if c == notification.pk]) < 3:
            raise ConnectionError("gateway down")

    monkeypatch.setattr(channels, "deliver", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        app = apply_online(as_user(citizen), item)
        hand_in_at_window(as_user(clerk), app["id"])
        accepted = post(as_user(clerk), app["id"], "accept")
    assert accepted.json()["status"] == "accepted"
    sms = Notification.objects.get(channel="sms")
    assert sms.status == "sent" and sms.attempts == 3


def test_pending_notifications_are_sent_again_when_the_broker_was_down(citizen):
    from datetime import timedelta

    Notification.objects.create(recipient=citizen, channel="in_app", topic="accepted", subject="s", body="b",
                                dedupe_key="manual")
    assert resend_pending(older_than=timedelta(0)) == 1
    assert Notification.objects.get(dedupe_key="manual").status == "sent"


def test_the_resend_job_leaves_young_rows_alone_for_the_configured_time(citizen, settings):
    from datetime import timedelta

    from django.utils import timezone

    row = Notification.objects.create(recipient=citizen, channel="in_app", topic="accepted", subject="s", body="b",
                                      dedupe_key="young")
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(seconds=30))
    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 120
    assert resend_pending() == 0  # probably on its way still
    settings.NOTIFICATION_RESEND_AFTER_SECONDS = 10
    assert resend_pending() == 1
    assert Notification.objects.get(pk=row.pk).status == "sent"


def test_notifications_are_private_and_can_be_marked_read(as_user, citizen, other_citizen):
    mine = Notification.objects.create(recipient=citizen, channel="in_app", topic="t", subject="s", body="b",
                                       dedupe_key="k1")
    assert as_user(other_citizen).post(f"/api/v1/notifications/{mine.pk}/read/").status_code == 404
    assert as_user(citizen).get("/api/v1/notifications/?unread=1").json()["count"] == 1
    assert as_user(citizen).post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"]
    assert as_user(citizen).get("/api/v1/notifications/?unread=1").json()["count"] == 0


def test_the_logging_sms_gateway_masks_the_phone_number(caplog):
    with caplog.at_level("INFO", logger="apps.notifications.channels"):
        channels.LoggingSmsGateway().send("13800138000", "您的申请已受理")
    assert "138****8000" in caplog.text
    assert "13800138000" not in caplog.text
