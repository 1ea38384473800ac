"""Sign-in locks (apps.accounts.lockout) and the client address behind proxies (apps.core.net)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from apps.accounts.api.views import AuthThrottle
from apps.accounts.models import Role, SignInFailures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def no_rate_limit(monkeypatch):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "10000/min"})


def sign_in(api_client, username, password, **extra):
    return api_client.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


def test_forwarded_for_from_an_untrusted_sender_does_not_escape_the_rate_limit(api_client, monkeypatch):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    codes = [sign_in(api_client, "x", "y", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_a_trusted_proxy_forwards_the_real_client_address(api_client, monkeypatch, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}
    # Two clients behind the proxy each have their own count ...
    for client in ("203.0.113.1", "203.0.113.2"):
        codes = [sign_in(api_client, "x", "y", HTTP_X_FORWARDED_FOR=client, **via_proxy).status_code
                 for _ in range(3)]
        assert codes == [401, 401, 429]
    # ... and what a client writes into the header itself, left of the real address, changes nothing.
    spoofed = sign_in(api_client, "x", "y", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.1", **via_proxy)
    assert spoofed.status_code == 429


def test_repeated_failures_lock_the_username_whatever_the_address(api_client, no_rate_limit, settings):
    settings.SIGN_IN_LOCK_FAILURES = 5
    UserFactory(username="citizen", password="right-password")
    codes = [sign_in(api_client, "citizen", "wrong", REMOTE_ADDR=f"198.51.100.{i}").status_code
             for i in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]
    locked = sign_in(api_client, "citizen", "right-password", REMOTE_ADDR="192.0.2.7", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert "locked" in locked.json()["detail"] and "administrator" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 60
    # Another account is not affected.
    UserFactory(username="neighbour", password="right-password")
    assert sign_in(api_client, "neighbour", "right-password", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_repeated_failures_lock_the_address_whatever_the_username(api_client, no_rate_limit, settings):
    settings.SIGN_IN_LOCK_ADDRESS_FAILURES = 4
    UserFactory(username="citizen", password="right-password")
    codes = [sign_in(api_client, f"guess{i}", "wrong").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    assert sign_in(api_client, "citizen", "right-password").status_code == 429
    assert sign_in(api_client, "citizen", "right-password", REMOTE_ADDR="192.0.2.8").status_code == 200


def test_the_lock_ends_by_itself_after_the_lock_time(api_client, no_rate_limit, settings):
    settings.SIGN_IN_LOCK_FAILURES = 2
    UserFactory(username="citizen", password="right-password")
    for _ in range(2):
        sign_in(api_client, "citizen", "wrong")
    assert sign_in(api_client, "citizen", "right-password").status_code == 429
    earlier = timezone.now() - timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES + 1)
    SignInFailures.objects.update(first_failure_at=earlier, last_failure_at=earlier, locked_until=earlier)
    assert sign_in(api_client, "citizen", "right-password").status_code == 200
    # A success clears the username's count.
    assert not SignInFailures.objects.filter(kind="username", value="citizen").exists()


def test_an_administrator_unlocks_in_the_admin(api_client, client, no_rate_limit, settings):
    settings.SIGN_IN_LOCK_FAILURES = 2
    UserFactory(username="citizen", password="right-password")
    for _ in range(2):
        sign_in(api_client, "citizen", "wrong", REMOTE_ADDR="198.51.100.1")
    assert sign_in(api_client, "citizen", "right-password", REMOTE_ADDR="198.51.100.1").status_code == 429

    admin = UserFactory(username="boss", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    rows = SignInFailures.objects.filter(kind="username", value="citizen")
    response = client.post("/admin/accounts/signinfailures/",
                           {"action": "unlock", "_selected_action": [r.pk for r in rows]})
    assert response.status_code == 302
    assert sign_in(api_client, "citizen", "right-password", REMOTE_ADDR="198.51.100.1").status_code == 200


def test_old_failures_expire_instead_of_adding_up(api_client, no_rate_limit, settings):
    settings.SIGN_IN_LOCK_FAILURES = 3
    UserFactory(username="citizen", password="right-password")
    for _ in range(2):
        sign_in(api_client, "citizen", "wrong")
    earlier = timezone.now() - timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES + 1)
    SignInFailures.objects.update(first_failure_at=earlier)
    assert sign_in(api_client, "citizen", "wrong").status_code == 401
    assert sign_in(api_client, "citizen", "right-password").status_code == 200


def test_the_administration_sign_in_counts_and_locks_too(api_client, client, no_rate_limit, settings):
    settings.SIGN_IN_LOCK_FAILURES = 3
    UserFactory(username="root", password="right-password", role=Role.ADMIN, is_staff=True, is_superuser=True)
    for _ in range(2):
        response = client.post("/admin/login/", {"username": "root", "password": "wrong"})
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    sign_in(api_client, "root", "wrong")  # the API and the form share one count
    with translation.override("en"):  # and back afterwards: the middleware's choice must not outlive the test
        response = client.post("/admin/login/", {"username": "root", "password": "right-password"},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed sign-ins" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_the_sign_in_form_for_pages_signs_in_with_the_right_password(rf):
    from django.contrib.sessions.backends.db import SessionStore

    from apps.accounts.forms import SignInForm
    UserFactory(username="citizen", password="right-password")
    request = rf.post("/accounts/login/")
    request.session = SessionStore()
    form = SignInForm(request, data={"username": "citizen", "password": "right-password"})
    assert form.is_valid() and form.get_user().username == "citizen"
    assert not SignInForm(request, data={"username": "citizen", "password": "wrong"}).is_valid()
