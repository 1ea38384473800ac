import pytest

from apps.accounts.api.views import AuthThrottle
from apps.accounts.models import Role
from tests.factories import DepartmentFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db


def register(api_client, **overrides):
    body = {"username": "liwei", "password": "s3cure-passphrase", "name": "李伟",
            "id_number": make_id_number(7), "phone": "13912345678", **overrides}
    return api_client.post("/api/v1/auth/register/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_citizen_registers_signs_in_and_sees_themself(api_client):
    response = register(api_client)
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == Role.CITIZEN

    token = api_client.post("/api/v1/auth/token/", {"username": "liwei", "password": "s3cure-passphrase"},
                            format="json").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/auth/me/").json()
    assert me["id"] == response.json()["id"]
    assert me["username"] == "liwei"
    assert me["name"] == "李伟"
    assert me["role"] == "citizen"
    assert me["department"] is None
    assert "*" in me["id_number"]


def test_wrong_check_digit_is_a_400_naming_the_field(api_client):
    good = make_id_number(8)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = register(api_client, id_number=bad)
    assert response.status_code == 400
    assert "id_number" in response.json()


def test_same_id_number_or_username_cannot_register_twice(api_client):
    assert register(api_client).status_code == 201
    assert register(api_client, username="other").status_code == 400
    assert register(api_client, id_number=make_id_number(9)).status_code == 400


def test_weak_password_and_bad_phone_are_refused(api_client):
    response = register(api_client, password="123")
    assert response.status_code == 400 and "password" in response.json()
    response = register(api_client, phone="12345")
    assert response.status_code == 400 and "phone" in response.json()


def test_wrong_password_is_401(api_client):
    UserFactory(username="wang")
    response = api_client.post("/api/v1/auth/token/", {"username": "wang", "password": "nope"}, format="json")
    assert response.status_code == 401


def test_me_needs_authentication_and_shows_staff_department(api_client):
    assert api_client.get("/api/v1/auth/me/").status_code == 401
    approver = UserFactory(role=Role.APPROVER, department=DepartmentFactory(code="SAMR", name="市场监管局"))
    api_client.force_authenticate(approver)
    me = api_client.get("/api/v1/auth/me/").json()
    assert me["role"] == "approver"
    assert me["department"] == {"code": "SAMR", "name": "市场监管局"}


def test_sign_in_is_rate_limited_per_address(api_client, monkeypatch):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    codes = [api_client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json").status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_a_manager_lists_the_people_a_departments_steps_can_be_given_to(api_client):
    samr, health = DepartmentFactory(code="SAMR"), DepartmentFactory(code="HEALTH")
    manager = UserFactory(username="manager", role=Role.MANAGER, department=samr, id_number="")
    approver = UserFactory(username="approver", role=Role.APPROVER, department=samr, id_number="")
    UserFactory(username="retired", role=Role.APPROVER, department=samr, id_number="", is_active=False)
    UserFactory(username="elsewhere", role=Role.APPROVER, department=health, id_number="")
    district = UserFactory(username="district", role=Role.MANAGER, id_number="")
    path = "/api/v1/departments/SAMR/assignees/"

    def as_(user):
        api_client.force_authenticate(user)
        return api_client

    listed = as_(manager).get(path).json()
    assert {(row["id"], row["username"], row["role"]) for row in listed["results"]} == {
        (approver.pk, "approver", "approver"), (manager.pk, "manager", "manager")}
    assert as_(district).get(path).json()["count"] == 2
    assert as_(approver).get(path).status_code == 403
    assert as_(UserFactory(role=Role.MANAGER, department=health, id_number="")).get(path).status_code == 403
    assert as_(manager).get("/api/v1/departments/NOPE/assignees/").status_code == 404


def test_registration_does_not_tell_whether_an_id_number_has_an_account(api_client):
    assert register(api_client).status_code == 201
    response = register(api_client, username="other")
    assert response.status_code == 400
    text = response.content.decode()
    assert "user_id_number_unique" not in text and "onstraint" not in text
    assert "already" not in text and "exists" not in text
    assert "If the number is yours, sign in" in response.json()["id_number"][0]


def test_a_registration_race_names_no_constraint(api_client, monkeypatch):
    from apps.accounts import services
    assert register(api_client).status_code == 201
    monkeypatch.setattr(services, "_id_number_registered", lambda id_number: False)  # lost the race
    response = register(api_client, username="other")
    assert response.status_code == 400
    assert "onstraint" not in response.content.decode()
    assert "If the number is yours, sign in" in response.json()["id_number"][0]
    response = register(api_client, id_number=make_id_number(11))  # the username is taken: say so
    assert response.status_code == 400 and "username" in response.json()
