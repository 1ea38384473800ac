"""A Celery worker killed in the middle of a sweep, and a new one started: no alert lost, none twice.

The sweep is stopped half-way on purpose: the test holds one application row locked (FOR NO KEY UPDATE: the
alerts' foreign keys may still point at it), so the worker's sweep
has flagged the steps (committed) and waits inside the applications' UPDATE when it is killed (SIGKILL).
The next worker's start-up sweep must finish the work. Uses its own Redis database as broker
(STACK_TEST_REDIS_URL), so no other worker takes the sweep.
"""

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection
from django.db.models import Count

from apps.applications.models import Application
from apps.notifications.models import Notification
from apps.supervision.models import Alert
from tests.core.overdue import overdue_application
from tests.core.stack import DATABASE_URL, REDIS, needs_stack

ROOT = Path(__file__).resolve().parents[2]


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.3)
    pytest.fail(f"{what} did not happen within {timeout:g} s")


class Worker:
    def __init__(self, database_url: str, log: Path, name: str):
        env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": REDIS,
               "CELERY_RESULT_BACKEND": REDIS, "DATABASE_CONN_MAX_AGE": "0", "SUPERVISION_SWEEP_ON_START": "true"}
        env.pop("REDIS_URL", None)
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/celery"), "-A", "govservice", "worker", "--pool=solo", "--loglevel=INFO",
             f"--hostname={name}@%h"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)
        self.log.close()


@needs_stack
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_of_a_sweep_loses_and_duplicates_no_alert(citizen, clerk, department,
                                                                                 approver, manager, tmp_path):
    applications = [overdue_application(citizen, clerk, department, f"00090000080{i}") for i in range(3)]
    test_db = connection.settings_dict["NAME"]
    test_url = urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{test_db}"))
    params = urlsplit(test_url)
    conninfo = {"host": params.hostname, "port": params.port or 5432, "user": params.username,
                "password": params.password, "dbname": test_db}

    with psycopg.connect(**conninfo) as locker, psycopg.connect(**conninfo, autocommit=True) as watcher:
        locker.execute(f"SELECT id FROM {Application._meta.db_table} WHERE id = %s FOR NO KEY UPDATE",  # noqa: S608
                       [applications[0].pk])

        def sweep_waiting() -> bool:
            return bool(watcher.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
                "AND query ILIKE %s", [test_db, f"UPDATE%{Application._meta.db_table}%"]).fetchone())

        first = Worker(test_url, tmp_path / "first.log", "killed")
        try:
            wait_for(sweep_waiting, 60, "the first worker's sweep blocking on the held row")
            assert Alert.objects.filter(kind="step").count() == 3  # half-way: the steps' part is committed
            assert Alert.objects.filter(kind="application").count() == 0
        finally:
            first.kill()
        locker.rollback()
        # The killed worker's backend notices its client is gone and rolls its half back.
        wait_for(lambda: not sweep_waiting(), 30, "the dead worker's statement ending")

    second = Worker(test_url, tmp_path / "second.log", "restarted")
    try:
        wait_for(lambda: Alert.objects.filter(kind="application").count() == 3
                 and not Alert.objects.filter(notified_at__isnull=True).exists(), 90,
                 "the restarted worker's sweep finishing the work")
    finally:
        second.kill(signal.SIGTERM)

    assert Alert.objects.count() == 6
    assert not Alert.objects.values("subject", "level").annotate(n=Count("id")).filter(n__gt=1).exists()
    told = Notification.objects.filter(recipient__in=[approver, manager])
    assert told.exists()
    assert not told.values("recipient", "channel", "subject", "body").annotate(n=Count("id")).filter(n__gt=1)\
        .exists()
