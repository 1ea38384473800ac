"""A request id in every log line a request causes: in the web process and in the Celery tasks it queues."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import signals
from django.conf import settings

from apps.core.log_format import JsonFormatter
from apps.core.request_id import RequestIdFilter, current_request_id
from apps.notifications.tasks import resend_pending
from govservice.celery import app as celery_app
from tests.core.test_health import no_broker
from tests.helpers import hand_in_at_window

ROOT = Path(__file__).resolve().parents[2]
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def log_lines():
    """What the console handler of settings.LOGGING would write, captured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["text"]["format"]))
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)


def test_a_sane_request_id_from_the_client_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize("sent", [None, "", "x" * 129, "two words", "a\nforged log line", "<script>"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, sent):
    headers = {"X-Request-ID": sent} if sent is not None else {}
    response = client.get("/healthz", headers=headers)
    assert HEX32.match(response["X-Request-ID"])


def test_each_request_gets_its_own_id(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_a_refusal_before_the_view_carries_the_id_too(client):
    response = client.generic("POST", "/api/v1/auth/token/", b"x", CONTENT_LENGTH=str(10**10),
                              headers={"X-Request-ID": "big-1"})
    assert response.status_code == 413
    assert response["X-Request-ID"] == "big-1"


@pytest.mark.django_db
def test_log_lines_written_while_serving_a_request_carry_its_id(client, log_lines, monkeypatch):
    no_broker(monkeypatch)  # /readyz logs a warning
    client.get("/readyz", headers={"X-Request-ID": "probe-42"})
    lines = [line for line in log_lines() if "readiness: broker unreachable" in line]
    assert lines and all("[probe-42]" in line for line in lines)
    logging.getLogger("after").warning("outside any request")
    assert any("[-] outside any request" in line for line in log_lines())


def test_json_lines_hold_the_fields_and_the_extras():
    record = logging.LogRecord("govservice.x", logging.WARNING, __file__, 1, "sent %s", ("7",), None)
    record.request_id, record.application = "r-1", 12
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "sent 7" and entry["level"] == "WARNING" and entry["logger"] == "govservice.x"
    assert entry["request_id"] == "r-1" and entry["application"] == 12
    assert entry["time"].endswith("+00:00")


def test_log_format_json_makes_every_line_json():
    env = {**os.environ, "LOG_FORMAT": "json"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", "import logging; logging.getLogger('probe').warning('hello')"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    entry = json.loads(next(line for line in result.stderr.splitlines() if '"probe"' in line))
    assert entry["message"] == "hello" and entry["request_id"] == "-"


def test_an_unknown_log_format_is_refused():
    env = {**os.environ, "LOG_FORMAT": "xml"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "LOG_FORMAT must be" in result.stderr


def test_a_task_published_during_a_request_carries_its_id_in_the_message_headers():
    """Through the real broker (the filesystem transport, or Redis under CI) to a queue no worker reads."""
    queue = f"request-id-probe-{os.getpid()}"
    celery_app.conf.task_always_eager = False
    token = current_request_id.set("req-publish-1")
    try:
        resend_pending.apply_async(queue=queue)
    finally:
        current_request_id.reset(token)
    with celery_app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        message = simple.get(timeout=10)
        message.ack()
        simple.queue.delete()
        simple.close()
    assert message.headers["request_id"] == "req-publish-1"
    assert message.headers["task"] == "apps.notifications.tasks.resend_pending"


@pytest.mark.django_db
def test_a_task_runs_with_the_request_id_it_was_sent_with_and_leaves_it_after():
    seen = []

    def record(**kwargs):
        seen.append(current_request_id.get())

    signals.task_success.connect(record, weak=False)
    try:
        resend_pending.apply(headers={"request_id": "req-task-1"})
    finally:
        signals.task_success.disconnect(record)
    assert seen == ["req-task-1"]
    assert current_request_id.get() is None


@pytest.mark.celery_worker
@pytest.mark.skipif(os.environ.get("CELERY_WORKER_TEST") != "1" or not os.environ.get("CELERY_WORKER_LOG"),
                    reason="needs the real worker that .ci/run starts (CELERY_WORKER_TEST=1, CELERY_WORKER_LOG)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_request_id_of_an_accept_reaches_the_worker_that_sends_its_notifications(as_user, citizen, clerk,
                                                                                     item):
    """A real worker on a real broker: the accept's notifications are sent there, under the accept's id."""
    assert celery_app.control.ping(timeout=5), "no Celery worker answered on the broker"
    application = as_user(citizen).post("/api/v1/applications/", {
        "service_item": item.code, "channel": "online", "delivery_method": "electronic"}, format="json").json()
    hand_in_at_window(as_user(clerk), application["id"])
    celery_app.conf.task_always_eager = False
    response = as_user(clerk).post(f"/api/v1/applications/{application['id']}/accept/", {}, format="json",
                                   headers={"X-Request-ID": "accept-rid-1"})
    assert response.status_code == 200, response.json()
    assert response["X-Request-ID"] == "accept-rid-1"
    log = Path(os.environ["CELERY_WORKER_LOG"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lines = [line for line in log.read_text(errors="replace").splitlines() if "[accept-rid-1]" in line]
        if any("send_notification" in line and "succeeded" in line for line in lines):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the worker never logged a notification sent under the accept's request id")
