"""Alerts for staff, scoped like applications; acknowledging; the operator's command."""

import pytest
from django.core.management import CommandError, call_command

from apps.supervision.services import run_supervision
from tests.factories import ServiceItemFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def red_application(make_application, department):
    item = ServiceItemFactory(code="000900000300", department=department, promised_limit_days=1)
    app = make_application(item=item, submitted_at=at(2026, 11, 27, 9), accepted_at=at(2026, 11, 27, 10))
    run_supervision(now=at(2026, 12, 1, 9))
    return app


def test_staff_see_the_alerts_of_applications_they_may_see(as_user, red_application, approver, other_approver,
                                                           district_manager, citizen):
    listed = as_user(approver).get("/api/v1/alerts/").json()
    assert listed["count"] == 2
    assert {row["kind"] for row in listed["results"]} == {"step", "application"}
    assert {row["level"] for row in listed["results"]} == {"overdue"}
    assert as_user(other_approver).get("/api/v1/alerts/").json()["count"] == 0
    assert as_user(district_manager).get("/api/v1/alerts/?level=overdue").json()["count"] == 2
    assert as_user(district_manager).get("/api/v1/alerts/?level=warning").json()["count"] == 0
    assert as_user(district_manager).get("/api/v1/alerts/?level=purple").status_code == 400
    assert as_user(citizen).get("/api/v1/alerts/").status_code == 403


def test_acknowledging_records_who_and_filters_follow(as_user, red_application, manager, other_manager):
    listed = as_user(manager).get("/api/v1/alerts/").json()["results"]
    assert [row["acknowledged_by"] for row in listed] == [None, None]
    alert_id = listed[0]["id"]
    assert as_user(other_manager).post(f"/api/v1/alerts/{alert_id}/acknowledge/").status_code == 404
    acknowledged = as_user(manager).post(f"/api/v1/alerts/{alert_id}/acknowledge/").json()
    assert acknowledged["acknowledged_at"] and acknowledged["acknowledged_by"] == str(manager)
    again = as_user(manager).post(f"/api/v1/alerts/{alert_id}/acknowledge/").json()
    assert again["acknowledged_at"] == acknowledged["acknowledged_at"]
    assert as_user(manager).get("/api/v1/alerts/?acknowledged=false").json()["count"] == 1
    assert as_user(manager).get("/api/v1/alerts/?acknowledged=true").json()["count"] == 1


def test_run_supervision_replays_a_moment_and_says_what_it_did(make_application, capsys, department):
    item = ServiceItemFactory(code="000900000400", department=department, promised_limit_days=1)
    make_application(item=item, submitted_at=at(2026, 11, 27, 9), accepted_at=at(2026, 11, 27, 10))
    call_command("run_supervision", "--now", "2026-11-30T09:00:00+08:00")
    out = capsys.readouterr().out
    assert "2026-11-30 09:00:00+0800" in out
    assert "新标记的预警审批环节：1" in out and "新标记的预警办件：1" in out
    call_command("run_supervision", "--now", "2026-12-01T09:00:00")   # no offset: Asia/Shanghai
    assert "新标记的超期审批环节：1" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("run_supervision", "--now", "yesterday")
