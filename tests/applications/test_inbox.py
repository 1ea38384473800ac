"""待办与分派: the approver's inbox of steps, and assigning a step to one person."""

import pytest

from tests.factories import UserFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_the_departments_open_steps_most_urgent_first(as_user, accepted_application, approver,
                                                                      other_approver, district_manager, citizen):
    rows = as_user(approver).get("/api/v1/steps/inbox/").json()["results"]
    assert [(r["tracking_number"], r["order"], r["status"]) for r in rows] == [(accepted_application.tracking_number, 1,
                                                                               "active")]
    assert rows[0]["service_item_name"] == accepted_application.item_version.name
    assert as_user(other_approver).get("/api/v1/steps/inbox/").json()["count"] == 0
    assert as_user(district_manager).get("/api/v1/steps/inbox/").json()["count"] == 1
    assert as_user(citizen).get("/api/v1/steps/inbox/").json()["count"] == 0
    assert as_user(approver).get("/api/v1/steps/inbox/?flag=purple").status_code == 400


def test_a_manager_assigns_and_only_the_assignee_may_then_act(as_user, accepted_application, approver, manager,
                                                              department):
    colleague = UserFactory(username="approver-b", role="approver", department=department, id_number="")
    step = accepted_application.steps.get(status="active")
    path = url(accepted_application.pk, f"steps/{step.pk}/assign")
    assert as_user(manager).post(path, {"assignee": colleague.pk}, format="json").status_code == 200
    assert as_user(approver).get("/api/v1/steps/inbox/").json()["count"] == 0        # someone else's now
    assert as_user(colleague).get("/api/v1/steps/inbox/?mine=1").json()["count"] == 1
    assert colleague.notifications.filter(topic="step_assigned").count() == 1
    approve = url(accepted_application.pk, f"steps/{step.pk}/approve")
    assert as_user(approver).post(approve, {}, format="json").status_code == 403
    assert as_user(colleague).post(approve, {}, format="json").status_code == 200


def test_an_approver_takes_an_unassigned_step_but_cannot_give_it_to_others(as_user, accepted_application, approver,
                                                                           other_approver, department):
    colleague = UserFactory(username="approver-c", role="approver", department=department, id_number="")
    step = accepted_application.steps.get(status="active")
    path = url(accepted_application.pk, f"steps/{step.pk}/assign")
    assert as_user(approver).post(path, {"assignee": colleague.pk}, format="json").status_code == 403
    assert as_user(approver).post(path, {"assignee": approver.pk}, format="json").status_code == 200
    assert as_user(colleague).post(path, {"assignee": colleague.pk}, format="json").status_code == 403
    assert as_user(approver).post(path, {"assignee": None}, format="json").status_code == 200


def test_only_staff_of_the_steps_department_can_be_assigned(as_user, accepted_application, manager, other_approver):
    step = accepted_application.steps.get(status="active")
    path = url(accepted_application.pk, f"steps/{step.pk}/assign")
    assert as_user(manager).post(path, {"assignee": other_approver.pk}, format="json").status_code == 400
    assert as_user(manager).post(path, {"assignee": 999999}, format="json").status_code == 400
