"""Every endpoint with every role: 404 for what a caller may not see, 403 for what their role may not do."""

import pytest

from apps.applications import services
from tests.helpers import at, url

pytestmark = pytest.mark.django_db

ROLES = ["citizen", "other_citizen", "clerk", "other_clerk", "approver", "other_approver", "manager",
         "other_manager", "district_manager", "administrator"]


@pytest.fixture
def people(citizen, other_citizen, clerk, other_clerk, approver, other_approver, manager, other_manager,
           district_manager, administrator):
    return dict(zip(ROLES, [citizen, other_citizen, clerk, other_clerk, approver, other_approver, manager,
                            other_manager, district_manager, administrator], strict=True))


# Who may see an accepted application received at the district hall of department SAMR.
SEES = {"citizen": True, "other_citizen": False, "clerk": True, "other_clerk": False, "approver": True,
        "other_approver": False, "manager": True, "other_manager": False, "district_manager": True,
        "administrator": True}


@pytest.mark.parametrize("role", ROLES)
def test_detail_and_list_are_scoped(role, people, as_user, accepted_application):
    app = accepted_application
    client = as_user(people[role])
    assert client.get(url(app.pk)).status_code == (200 if SEES[role] else 404)
    listed = [row["id"] for row in client.get("/api/v1/applications/").json()["results"]]
    assert (app.pk in listed) is SEES[role]


# action -> (body, the roles allowed among those who can see it)
ACTIONS = {
    "suspend": ({"kind": "testing", "reason": "送检"}, {"clerk", "approver"}),
    "extend": ({"days": 5, "reason": "需专家论证"}, {"manager", "district_manager"}),
    "withdraw": ({}, {"citizen"}),
    "deliver": ({"method": "electronic"}, {"clerk"}),
    "visits": ({"purpose": "consult"}, {"clerk"}),
    "accept": ({}, {"clerk"}),
    "reject": ({"reason": "x"}, {"clerk"}),
    "resubmit": ({}, {"citizen"}),
    "request-correction": ({"items": [{"material": 1, "problem": "x"}]}, {"clerk"}),
    "resume": ({}, {"clerk", "approver"}),
    "rating": ({"score": 5}, {"citizen"}),
    "step-approve": ({}, {"approver"}),
    "step-assign": ({"assignee": None}, {"approver", "manager", "district_manager"}),
    "step-deny": ({"reason": "不符合条件"}, {"approver"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_action_matrix(role, action, people, as_user, accepted_application):
    """Allowed roles pass the permission check (then 200/201 or 409 from the state); others get 403 or 404."""
    app = accepted_application
    body, allowed = ACTIONS[action]
    if action.startswith("step-"):
        step = app.steps.get(status="active")
        path = f"steps/{step.pk}/{action.removeprefix('step-')}"
    else:
        path = action
    response = as_user(people[role]).post(url(app.pk, path), body, format="json")
    if not SEES[role]:
        assert response.status_code == 404
    elif role in allowed:
        assert response.status_code in {200, 201, 409}, response.json()
    else:
        assert response.status_code == 403, response.json()


def test_anonymous_gets_401_everywhere(api_client, accepted_application):
    app = accepted_application
    assert api_client.get("/api/v1/applications/").status_code == 401
    assert api_client.get(url(app.pk)).status_code == 401
    assert api_client.post(url(app.pk, "accept")).status_code == 401


def test_approvers_and_managers_cannot_submit(as_user, approver, manager, item):
    for user in (approver, manager):
        response = as_user(user).post("/api/v1/applications/", {
            "service_item": item.code, "channel": "online", "delivery_method": "electronic"}, format="json")
        assert response.status_code == 403


def test_a_clerk_anywhere_takes_in_waiting_applications_but_a_dedicated_window_only_its_items(make_application,
                                                                                              as_user, other_clerk,
                                                                                              clerk, item, hall):
    from tests.factories import WindowFactory
    app = make_application(submitted_at=at(2026, 11, 2, 9))
    assert as_user(other_clerk).get(url(app.pk)).status_code == 200   # waiting at intake: any hall
    clerk.window = WindowFactory(hall=hall, number="09", kind="dedicated")
    clerk.save()
    assert as_user(clerk).post(url(app.pk, "accept")).status_code == 403
    assert as_user(other_clerk).post(url(app.pk, "accept")).status_code == 200


def test_a_dedicated_window_takes_in_only_its_listed_items(as_user, citizen, clerk, item, hall, department):
    from tests.factories import ServiceItemFactory, WindowFactory
    other_item = ServiceItemFactory(code="000900000700", department=department)
    dedicated = WindowFactory(hall=hall, number="08", kind="dedicated")
    dedicated.items.set([item])
    clerk.window = dedicated
    clerk.save()
    body = {"channel": "window", "delivery_method": "window",
            "applicant": {"name": citizen.name, "id_number": citizen.id_number, "phone": citizen.phone}}
    assert as_user(clerk).post("/api/v1/applications/", {**body, "service_item": item.code},
                               format="json").status_code == 201
    assert as_user(clerk).post("/api/v1/applications/", {**body, "service_item": other_item.code},
                               format="json").status_code == 403


def test_allowed_actions_are_those_of_the_person_asking(make_application, as_user, citizen, clerk, approver, manager,
                                                        item):
    """The pages draw their buttons from `allowed_actions`: each person is offered only what they may do."""
    app = make_application(submitted_at=at(2026, 11, 2, 9))
    offered = {name: as_user(user).get(url(app.pk)).json()["allowed_actions"]
               for name, user in {"citizen": citizen, "clerk": clerk}.items()}
    assert "accept" not in offered["citizen"] and "reject" not in offered["citizen"]
    assert set(offered["citizen"]) == {"upload_material", "withdraw"}
    assert {"accept", "reject", "request_correction", "record_visit"} <= set(offered["clerk"])
    assert "withdraw" not in offered["clerk"]

    app = services.accept_application(application_id=app.pk, actor=clerk, now=at(2026, 11, 2, 10))
    assert set(as_user(approver).get(url(app.pk)).json()["allowed_actions"]) == {
        "assign_step", "approve_step", "deny_step", "suspend"}
    assert set(as_user(manager).get(url(app.pk)).json()["allowed_actions"]) == {"assign_step", "extend"}
    assert set(as_user(citizen).get(url(app.pk)).json()["allowed_actions"]) == {"withdraw"}
