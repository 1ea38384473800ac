"""/healthz and /readyz: what a load balancer or an orchestrator asks, answered in JSON without signing in."""

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from apps.core import health
from govservice.celery import app as celery_app

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def no_broker(monkeypatch):
    """Point Celery at a port nobody listens on (CELERY_BROKER_URL in the environment wins over the setting)."""
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_REDIS)
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT_REDIS)


@pytest.fixture(autouse=True)
def _migrations_checked_again(monkeypatch):
    monkeypatch.setattr(health, "_migrations_seen_applied", False)


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no django_db mark: any query would fail the test
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_with_everything_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_is_503_while_a_migration_is_not_applied(client):
    MigrationRecorder.Migration.objects.filter(app="applications").order_by("-id").first().delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "migrations pending"


@pytest.mark.django_db
def test_readyz_is_503_without_the_database(client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


@pytest.mark.django_db
def test_readyz_without_the_cache_is_degraded_not_down(client):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": CLOSED_PORT_REDIS}}):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["degraded"] == ["cache"]
    assert response.json()["checks"] == {"database": "ok", "cache": "unreachable", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_without_the_broker_is_degraded_not_down(client, monkeypatch):
    no_broker(monkeypatch)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["degraded"] == ["broker"]


@pytest.mark.django_db
def test_probes_need_no_sign_in_and_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
