"""The daily housekeeping removes what has served its purpose, and nothing that still counts."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import SignInFailures
from apps.core.housekeeping import clear_expired
from apps.core.models import IdempotencyRecord
from apps.core.tasks import clear_expired as clear_expired_task

pytestmark = pytest.mark.django_db


def failures(value: str, *, first: timedelta, locked: timedelta | None = None) -> SignInFailures:
    now = timezone.now()
    return SignInFailures.objects.create(kind="username", value=value, failures=3, first_failure_at=now - first,
                                         last_failure_at=now - first,
                                         locked_until=None if locked is None else now + locked)


def test_sign_in_counters_go_once_they_neither_count_nor_lock(settings):
    settings.SIGN_IN_LOCK_MINUTES = 15
    failures("expired", first=timedelta(minutes=20))
    failures("counting", first=timedelta(minutes=5))
    failures("locked", first=timedelta(minutes=20), locked=timedelta(minutes=5))
    failures("lock-over", first=timedelta(minutes=40), locked=-timedelta(minutes=5))
    cleared = clear_expired(now=timezone.now())
    assert cleared.sign_in_failures == 2
    assert set(SignInFailures.objects.values_list("value", flat=True)) == {"counting", "locked"}


def test_idempotency_records_are_kept_for_the_configured_days(settings, citizen):
    settings.IDEMPOTENCY_KEEP_DAYS = 7
    old = IdempotencyRecord.objects.create(user=citizen, key="old", method="POST", path="/p", status_code=201,
                                           body={})
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    IdempotencyRecord.objects.create(user=citizen, key="recent", method="POST", path="/p", status_code=201, body={})
    assert clear_expired(now=timezone.now()).idempotency_records == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_expired_sessions_go_and_live_ones_stay():
    for expiry in (-60, 3600):
        session = SessionStore()
        session.set_expiry(expiry)
        session["x"] = 1
        session.save()
    assert clear_expired_task.apply().get() == {"sessions": 1, "sign_in_failures": 0, "idempotency_records": 0}
    assert Session.objects.count() == 1


def test_beat_runs_it_daily():
    task = PeriodicTask.objects.get(task="apps.core.tasks.clear_expired")
    assert task.enabled and task.interval.every == 24 * 60 * 60
