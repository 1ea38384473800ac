"""Prometheus metrics at /metrics: latency by route, task outcomes, the flagged applications; loopback only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from apps.notifications.tasks import resend_pending, send_notification
from apps.supervision.services import flag_applications
from tests.core.overdue import overdue_application

ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **extra) -> dict[tuple, float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode()) for sample in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_request_latency_is_labelled_by_route_pattern_not_by_path(client):
    before = scrape(client)
    client.get("/api/v1/service-items/")
    client.get("/api/v1/service-items/000000000000/")
    client.get("/no/such/page/")
    after = scrape(client)
    count = "govservice_http_request_duration_seconds_count"
    labels = {"method": "GET", "status": "200", "route": "/api/v1/service-items/"}
    assert value(after, count, **labels) == value(before, count, **labels) + 1
    assert value(after, count, method="GET", status="404", route="/api/v1/service-items/<str:code>/") \
        == value(before, count, method="GET", status="404", route="/api/v1/service-items/<str:code>/") + 1
    assert value(after, count, method="GET", status="404", route="unmatched") \
        == value(before, count, method="GET", status="404", route="unmatched") + 1
    assert not any("000000000000" in str(key) for key in after)


@pytest.mark.django_db
def test_task_successes_and_failures_are_counted(client):
    name = "govservice_celery_tasks_total"
    before = scrape(client)
    resend_pending.apply()
    send_notification.apply(args=["not a number"])
    after = scrape(client)
    assert value(after, name, task=resend_pending.name, outcome="succeeded") \
        == value(before, name, task=resend_pending.name, outcome="succeeded") + 1
    assert value(after, name, task=send_notification.name, outcome="failed") \
        == value(before, name, task=send_notification.name, outcome="failed") + 1


def test_flagged_applications_are_counted_when_scraped(client, citizen, clerk, department):
    gauge = "govservice_open_applications_flagged"
    assert value(scrape(client), gauge, flag="overdue") == 0
    overdue_application(citizen, clerk, department, "000900000700")
    flag_applications(now=timezone.now())
    samples = scrape(client)
    assert value(samples, gauge, flag="overdue") == 1
    assert (gauge, (("flag", "warning"),)) in samples


@pytest.mark.django_db
def test_metrics_are_refused_to_other_networks_whatever_they_forward(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert client.get("/metrics", REMOTE_ADDR="not an address").status_code == 403


@pytest.mark.django_db
def test_a_configured_network_may_scrape(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 200
    assert client.get("/metrics").status_code == 403


def test_in_multiprocess_mode_the_scrape_adds_up_every_process(tmp_path):
    """As under gunicorn: two processes count, a third one answers the scrape with the sum."""
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "GOVSERVICE_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    def shell(code):
        return subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,  # noqa: S603
                              capture_output=True, text=True, timeout=120, check=True).stdout

    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True,  # noqa: S603
                   timeout=120)
    for _ in range(2):
        shell("from apps.core.metrics import TASKS; TASKS.labels('probe', 'succeeded').inc()")
    out = shell("from django.test import Client; print(Client(HTTP_HOST='localhost').get('/metrics').content.decode())")
    assert 'govservice_celery_tasks_total{outcome="succeeded",task="probe"} 2.0' in out
