"""The broker unreachable: an action answers at once, its notifications stay pending and are sent later."""

import socket
import time
from datetime import timedelta

import pytest
import redis.connection

from apps.notifications.models import Notification
from apps.notifications.services import resend_pending
from govservice.celery import app as celery_app
from tests.helpers import apply_online, hand_in_at_window, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def connect_attempts(monkeypatch, broker_down):
    """Every TCP connection attempt to the stopped broker (Celery's retries show up here, whatever the machine's
    speed); the cache's own Redis, where there is one, is not counted."""
    attempts = []
    original = redis.connection.Connection._connect

    def counted(self):
        if self.port == broker_down:
            attempts.append(self.port)
        return original(self)
    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    return attempts


@pytest.fixture
def broker_down(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # released again: nothing listens there
    previous = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads the variable before its own setting
    celery_app.conf.broker_url = url
    yield port
    celery_app.conf.broker_url = previous
    # The app keeps its connection and producer pools, made for the stopped broker: the next test needs new ones.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_an_accept_answers_fast_with_the_broker_down_and_its_notifications_wait(
        django_capture_on_commit_callbacks, broker_down, connect_attempts, as_user, citizen, clerk, item):
    citizen.email = "zhang@example.cn"  # in the app, by e-mail and by SMS: three to hand over
    citizen.save()
    app = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), app["id"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_user(clerk), app["id"], "accept")
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert len(connect_attempts) == 1  # one short try for all of them: no retries, not one per notification
    assert elapsed < 2, elapsed  # it took 0.6 s per notification here, 19 s against a real stopped Redis
    accepted = Notification.objects.filter(topic="accepted")
    assert accepted.exists() and not accepted.exclude(status="pending").exists()


def test_pending_notifications_are_sent_once_the_broker_is_back(
        django_capture_on_commit_callbacks, broker_down, as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), app["id"])
    with django_capture_on_commit_callbacks(execute=True):
        post(as_user(clerk), app["id"], "accept")
    celery_app.conf.task_always_eager = True  # the broker is back, a worker sends
    assert resend_pending(older_than=timedelta(0)) > 0
    assert not Notification.objects.filter(topic="accepted").exclude(status="sent").exists()


def test_a_calendar_change_recomputes_in_place_at_once_with_the_broker_down(broker_down, connect_attempts,
                                                                          monkeypatch):
    from apps.applications import receivers, services
    done = []
    monkeypatch.setattr(services, "refresh_deadlines", lambda since: done.append(since))
    started = time.monotonic()
    receivers.recompute_deadlines(sender=None, years=[2027])
    assert len(connect_attempts) == 1  # no retries
    assert time.monotonic() - started < 2  # Celery's own retries took 19 s on a real outage
    assert [d.isoformat() for d in done] == ["2027-01-01"]
