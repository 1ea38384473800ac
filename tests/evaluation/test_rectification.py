"""差评整改: the department answers a bad rating; the rater is told; an answered one is no longer flagged."""

import pytest

from apps.applications import services
from apps.evaluation.models import Rectification
from apps.evaluation.services import rate_application
from apps.supervision.services import RECTIFICATIONS_OVERDUE, run_supervision
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def rectification(make_application, citizen, clerk, item):
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    services.reject_application(application_id=app.pk, actor=clerk, reason="材料不符", now=at(2026, 11, 2, 11))
    rating = rate_application(application_id=app.pk, rater=citizen, score=1, comment="等了很久",
                              now=at(2026, 11, 2, 12))
    return rating.rectification


def test_the_department_sees_and_answers_and_the_rater_is_told(as_user, rectification, approver, citizen):
    listed = as_user(approver).get("/api/v1/rectifications/?status=open").json()
    assert [row["id"] for row in listed["results"]] == [rectification.pk]
    assert listed["results"][0]["comment"] == "等了很久"
    path = f"/api/v1/rectifications/{rectification.pk}/answer/"
    assert as_user(approver).post(path, {"answer": " "}, format="json").status_code == 400
    answered = as_user(approver).post(path, {"answer": "已核实，窗口已增加引导人员。"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert as_user(approver).post(path, {"answer": "again"}, format="json").status_code == 409
    assert citizen.notifications.filter(topic="rectification_answered", channel="in_app").count() == 1
    mine = as_user(citizen).get("/api/v1/rectifications/").json()["results"]
    assert mine[0]["answer"] == "已核实，窗口已增加引导人员。"
    assert rectification.rating.application.events.last().action == "rectification_answered"


def test_other_departments_and_citizens_cannot_answer(as_user, rectification, other_approver, other_citizen, citizen):
    path = f"/api/v1/rectifications/{rectification.pk}/answer/"
    assert as_user(other_approver).post(path, {"answer": "x"}, format="json").status_code == 404
    assert as_user(other_citizen).post(path, {"answer": "x"}, format="json").status_code == 404
    assert as_user(citizen).post(path, {"answer": "x"}, format="json").status_code == 403
    assert as_user(citizen).get("/api/v1/rectifications/?status=closed").status_code == 400


def test_an_answered_rectification_is_not_flagged(as_user, rectification, manager):
    as_user(manager).post(f"/api/v1/rectifications/{rectification.pk}/answer/", {"answer": "已整改"},
                          format="json")
    report = run_supervision(now=at(2026, 11, 20, 9))
    assert report.flagged[RECTIFICATIONS_OVERDUE] == 0
    assert Rectification.objects.get(pk=rectification.pk).flag == "normal"
