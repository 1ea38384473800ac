"""`make stack` as it is run: gunicorn, a worker and beat on PostgreSQL and Redis with DEBUG off; it serves,
reports ready, counts the worker's tasks at the web's /metrics, and stops cleanly on Ctrl-C.

Runs when STACK_TEST_REDIS_URL names a Redis database of its own (set by .ci/run) and DATABASE_URL is
PostgreSQL; the stack's database is DATABASE_URL's name + "_stack".
"""

import signal

import pytest

from tests.core.stack import Stack, needs_stack
from tests.core.test_processes import children_alive

pytestmark = needs_stack


@pytest.fixture
def stack(tmp_path):
    running = Stack(tmp_path)
    yield running
    running.stop()


def test_make_stack_serves_with_debug_off_and_stops_cleanly(stack):
    stack.wait_ready()

    status, headers, _ = stack.get("/healthz", **{"X-Request-ID": "stack-probe-1"})
    assert status == 200 and headers["X-Request-ID"] == "stack-probe-1"
    status, _, body = stack.get("/no/such/page/")
    assert status == 404 and b"Traceback" not in body and b"URLconf" not in body  # DEBUG is off
    assert stack.token("citizen")  # DEMO=1 loaded the demo accounts

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
