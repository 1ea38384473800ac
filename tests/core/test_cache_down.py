"""The shared cache (Redis) unreachable: sign-in, registration and tracking still answer; limits count per process."""

import socket

import pytest
from django.test import override_settings

from apps.accounts.api.views import AuthThrottle
from apps.applications.api.views import TrackThrottle
from apps.core.api import throttling
from tests.factories import UserFactory, make_id_number

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # released again: nothing listens there


@pytest.fixture
def cache_down(monkeypatch):
    monkeypatch.setattr(throttling, "_shared_cache_down_until", 0.0)
    throttling._process_cache.clear()
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}):
        yield


def test_sign_in_and_registration_answer_with_the_cache_down(api_client, cache_down):
    UserFactory(username="citizen", password="right-password")
    response = api_client.post("/api/v1/auth/token/", {"username": "citizen", "password": "right-password"},
                               format="json")
    assert response.status_code == 200
    response = api_client.post("/api/v1/auth/register/", {
        "username": "liwei", "password": "s3cure-passphrase", "name": "李伟", "id_number": make_id_number(3),
        "phone": "13912345678"}, format="json")
    assert response.status_code == 201


def test_tracking_answers_with_the_cache_down(api_client, cache_down):
    assert api_client.get("/api/v1/track/NOPE-1/", {"code": "X"}).status_code == 404


def test_limits_still_hold_per_process_with_the_cache_down(api_client, cache_down, monkeypatch):
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    monkeypatch.setattr(TrackThrottle, "THROTTLE_RATES", {"track": "2/min"})
    codes = [api_client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json").status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    codes = [api_client.get("/api/v1/track/NOPE-1/", {"code": "X"}).status_code for _ in range(3)]
    assert codes == [404, 404, 429]
