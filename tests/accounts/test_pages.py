"""The sign-in page: everyone lands on their own page, `next` only when safe, the API's rate limit."""

import pytest
from django.test import Client

from apps.accounts.api.views import AuthThrottle
from apps.accounts.landing import landing_url
from apps.accounts.models import Role
from tests.factories import DepartmentFactory, HallFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def people(db):
    department = DepartmentFactory(code="SAMR")
    hall = HallFactory(code="QZX")
    return {
        "citizen": UserFactory(username="citizen", role=Role.CITIZEN),
        "clerk": UserFactory(username="clerk", role=Role.CLERK, hall=hall, id_number=""),
        "approver": UserFactory(username="approver", role=Role.APPROVER, department=department, id_number=""),
        "manager": UserFactory(username="manager", role=Role.MANAGER, department=department, id_number=""),
    }


DEMO_PASSWORD = "demo12345"  # noqa: S105  the demo accounts' published password


def sign_in(client, username, password=DEMO_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


@pytest.mark.parametrize(("role", "landing"), [("clerk", "/counter/"), ("approver", "/counter/"),
                                               ("manager", "/dashboard/"), ("citizen", "/")])
def test_each_person_lands_on_their_own_page(people, role, landing):
    assert landing_url(people[role]) == landing
    response = sign_in(Client(), role)
    assert response.status_code == 302 and response["Location"] == landing


def test_a_safe_next_is_followed_and_an_outside_one_ignored(people):
    assert sign_in(Client(), "clerk", next="/api/docs/")["Location"] == "/api/docs/"
    assert sign_in(Client(), "clerk", next="https://evil.example/")["Location"] == "/counter/"
    assert sign_in(Client(), "clerk", next="//evil.example/")["Location"] == "/counter/"


def test_a_wrong_password_says_so_with_an_error_summary(people):
    response = sign_in(Client(headers={"Accept-Language": "en"}), "clerk", password="nope")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and "<title>Error: Sign in" in html


def test_sign_in_attempts_share_the_api_token_rate_limit(people, monkeypatch):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    client = Client()
    client.post("/api/v1/auth/token/", {"username": "clerk", "password": "x"}, content_type="application/json")
    sign_in(client, "clerk", password="x")
    sign_in(client, "clerk", password="x")
    refused = sign_in(client, "clerk")          # even the right password, once over the limit
    assert refused.status_code == 429 and "Retry-After" in refused
    assert "_auth_user_id" not in client.session
    api = client.post("/api/v1/auth/token/", {"username": "clerk", "password": "demo12345"},
                      content_type="application/json")
    assert api.status_code == 429


def test_sign_out_is_a_post_and_ends_the_session(people):
    client = Client()
    sign_in(client, "clerk")
    assert client.get("/counter/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/counter/")["Location"].startswith("/accounts/login/?next=/counter/")


def test_a_citizen_is_kept_out_of_the_workbench(people):
    client = Client()
    client.force_login(people["citizen"])
    assert client.get("/counter/").status_code == 403


def test_a_region_of_a_page_is_served_alone_and_an_unknown_one_is_404(people):
    client = Client()
    client.force_login(people["clerk"])
    part = client.get("/counter/?part=where")
    assert part.status_code == 200 and b"<html" not in part.content and b'id="where"' in part.content
    assert client.get("/counter/?part=nope").status_code == 404


def test_the_favicon_is_served_locally():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
