"""`make stack` as it is run: gunicorn, a worker and beat on PostgreSQL and Redis with DEBUG off; it serves,
reports ready, counts the worker's tasks at the web's /metrics, and stops cleanly on Ctrl-C.

Runs when STACK_TEST_REDIS_URL names a Redis database of its own (set by .ci/run) and DATABASE_URL is
PostgreSQL; the stack's database is DATABASE_URL's name + "_stack".
"""

import json
import os
import secrets
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_processes import children_alive, free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS = os.environ.get("STACK_TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(not (REDIS and DATABASE_URL.startswith("postgres")),
                                reason="needs PostgreSQL and a Redis database of its own (STACK_TEST_REDIS_URL)")


class Stack:
    def __init__(self, tmp_path: Path, *, demo: bool = True):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env_file = tmp_path / "stack.env"
        env_file.write_text("\n".join([
            f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
            f"DATABASE_URL={DATABASE_URL}_stack",
            f"CELERY_BROKER_URL={REDIS}", f"CELERY_RESULT_BACKEND={REDIS}", f"REDIS_URL={REDIS}",
            "DJANGO_DEBUG=false", "LOG_FORMAT=json", f"PORT={self.port}", "WEB_CONCURRENCY=2",
            "WORKER_CONCURRENCY=1", "",
        ]))
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DATABASE_", "CELERY_", "REDIS_", "DJANGO_", "PROMETHEUS_"))}
        self.process = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "stack", f"STACK_ENV={env_file}",  # noqa: S607
             f"STACK_METRICS_DIR={tmp_path / 'prometheus'}", f"DEMO={int(demo)}"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(iter(self.process.stdout.readline, "")))
        self.reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str, **headers) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers)  # noqa: S310  http://127.0.0.1
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post_json(self, path: str, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310  http://127.0.0.1
            self.base + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def wait_until(self, check, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make stack ended while waiting for {what}:\n{self.output[-5000:]}")
            try:
                result = check()
                if result:
                    return result
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        pytest.fail(f"{what} did not happen within {timeout:g} s:\n{self.output[-5000:]}")

    def ctrl_c(self) -> int:
        """What a terminal does: SIGINT to the whole foreground group (make and the supervisor)."""
        os.killpg(self.process.pid, signal.SIGINT)
        status = self.process.wait(timeout=60)
        self.reader.join(timeout=5)
        return status

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def stack(tmp_path):
    running = Stack(tmp_path)
    yield running
    running.kill()


def test_make_stack_serves_with_debug_off_and_stops_cleanly(stack):
    stack.wait_until(lambda: json.loads(stack.get("/readyz")[2])["status"] == "ok", 240, "/readyz ok")

    status, headers, _ = stack.get("/healthz", **{"X-Request-ID": "stack-probe-1"})
    assert status == 200 and headers["X-Request-ID"] == "stack-probe-1"
    status, _, body = stack.get("/no/such/page/")
    assert status == 404 and b"Traceback" not in body and b"URLconf" not in body  # DEBUG is off
    status, body = stack.post_json("/api/v1/auth/token/", {"username": "citizen", "password": "demo12345"})
    assert status == 200 and body["token"]  # DEMO=1 loaded the demo accounts

    def sweep_counted():
        _, _, metrics = stack.get("/metrics")
        return 'task="apps.supervision.tasks.sweep_deadlines"' in metrics.decode()

    # The worker's start-up sweep, counted in the worker's process and read by gunicorn's.
    stack.wait_until(sweep_counted, 60, "the worker's sweep at the web's /metrics")
    assert "request_id=stack-probe-1" in stack.output  # gunicorn's access line
    assert any(line.startswith("worker | {") for line in stack.lines)  # LOG_FORMAT=json

    assert stack.ctrl_c() in (0, -signal.SIGINT)  # make itself takes the terminal's SIGINT
    out = stack.output
    for name in ("web", "worker", "beat"):
        assert f"{name} stopped (status 0)" in out or f"{name} stopped (status -15)" in out, out[-3000:]
    assert "killed" not in out
    assert children_alive(out) == []
