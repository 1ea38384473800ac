"""`make stack` started by a test, with its own environment file; helpers to talk to it over HTTP."""

import json
import os
import secrets
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path

import pytest

from apps.demo.data import DEMO_PASSWORD
from tests.core.test_processes import free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS = os.environ.get("STACK_TEST_REDIS_URL", "")

needs_stack = pytest.mark.skipif(not (REDIS and DATABASE_URL.startswith("postgres")),
                                 reason="needs PostgreSQL and a Redis database of its own (STACK_TEST_REDIS_URL)")


class Stack:
    def __init__(self, tmp_path: Path, *, demo: bool = True, keep_lines: int | None = None, **settings: str):
        """`settings` override the environment file's lines (DATABASE_URL, REDIS_URL, ...); `keep_lines` bounds
        the output kept (the last lines), for a stack that runs long under load."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        lines = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": f"{DATABASE_URL}_stack",
            "CELERY_BROKER_URL": REDIS, "CELERY_RESULT_BACKEND": REDIS, "REDIS_URL": REDIS,
            "DJANGO_DEBUG": "false", "LOG_FORMAT": "json", "PORT": str(self.port), "WEB_CONCURRENCY": "2",
            "WORKER_CONCURRENCY": "1",
            # One key for every run: the stack's database outlives a run, and its chains must verify in the next.
            "AUDIT_KEY": "audit-key-of-the-test-stacks-only",
            "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SECURE_COOKIES": "false", "DJANGO_SECURE_HSTS_SECONDS": "0",
            **settings,
        }
        self.settings = lines
        env_file = tmp_path / "stack.env"
        env_file.write_text("".join(f"{key}={value}\n" for key, value in lines.items()))
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DATABASE_", "CELERY_", "REDIS_", "DJANGO_", "PROMETHEUS_"))}
        self.process = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "stack", f"STACK_ENV={env_file}",  # noqa: S607
             f"STACK_METRICS_DIR={tmp_path / 'prometheus'}", f"DEMO={int(demo)}"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: deque[str] = deque(maxlen=keep_lines)
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

    def post_json(self, path: str, body: dict, *, timeout: float = 10, **headers) -> tuple[int, dict]:
        request = urllib.request.Request(  # noqa: S310  http://127.0.0.1
            self.base + path, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def ready(self) -> dict:
        """/readyz's answer, with its HTTP status as `http`."""
        status, _, body = self.get("/readyz")
        return {**json.loads(body), "http": status}

    def wait_ready(self, timeout: float = 240):
        self.wait_until(lambda: self.ready()["status"] == "ok", timeout, "/readyz ok")

    def token(self, username: str) -> str:
        """An API token of a demo user, by signing in."""
        status, body = self.post_json("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD})
        assert status == 200, body
        return body["token"]

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

    def stop(self):
        """Stop it whatever state it is in: SIGTERM first (the supervisor stops its processes, which live in
        sessions of their own), SIGKILL only if that did not work."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.reader.join(timeout=5)
