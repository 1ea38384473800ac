"""好差评: the applicant rates once, after delivery, denial or refusal; a bad rating opens a rectification."""

from datetime import date

import pytest

from apps.applications import services
from apps.evaluation.models import Rectification
from apps.evaluation.services import rate_application
from tests.helpers import apply_online, at, post

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_a_refusal_once(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    assert post(as_user(citizen), app["id"], "rating", {"score": 5}).status_code == 409   # not decided yet
    post(as_user(clerk), app["id"], "reject", {"reason": "不属于本机关职权范围"})
    assert post(as_user(clerk), app["id"], "rating", {"score": 5}).status_code == 403
    rated = post(as_user(citizen), app["id"], "rating", {"score": 4, "comment": "窗口很耐心"})
    assert rated.status_code == 201
    assert rated.json()["score"] == 4 and rated.json()["rectification_due"] is None
    assert post(as_user(citizen), app["id"], "rating", {"score": 5}).status_code == 409


def test_scores_outside_one_to_five_are_400(as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    post(as_user(clerk), app["id"], "reject", {"reason": "x"})
    for score in (0, 6, "good"):
        assert post(as_user(citizen), app["id"], "rating", {"score": score}).status_code == 400


def test_a_bad_rating_opens_a_rectification_due_in_five_working_days(make_application, citizen, clerk, item):
    app = make_application(submitted_at=at(2026, 9, 25, 9))
    services.reject_application(application_id=app.pk, actor=clerk, reason="材料不符", now=at(2026, 9, 25, 10))
    rating = rate_application(application_id=app.pk, rater=citizen, score=1, comment="态度差",
                              now=at(2026, 9, 28, 9))
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.department == item.department
    assert rectification.due_date == date(2026, 10, 10)   # 9/29, 9/30, 10/8, 10/9 and Saturday 10/10 (调休)
    assert app.events.last().action == "rated"
