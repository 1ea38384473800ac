"""The jobs against real components: PostgreSQL row locks, and a real Celery worker on a real broker.

The worker test runs when CELERY_WORKER_TEST=1 (set by .ci/run, which starts the worker against the
test database); anywhere else it is skipped, never faked.
"""

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.supervision.models import Alert
from apps.supervision.services import STEPS_OVERDUE, flag_steps
from tests.factories import ServiceItemFactory

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def overdue_application(make_application, department, code):
    """Accepted ten days ago with a one-day step: overdue now."""
    item = ServiceItemFactory(code=code, department=department, promised_limit_days=1)
    then = timezone.now() - timedelta(days=10)
    return make_application(item=item, submitted_at=then, accepted_at=then)


@on_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_the_same_moment_raise_each_alert_once(make_application, department):
    app = overdue_application(make_application, department, "000900000500")
    barrier, results = threading.Barrier(2), []

    def sweep():
        try:
            barrier.wait()
            results.append(flag_steps(now=timezone.now()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r[STEPS_OVERDUE] for r in results) == [0, 1]
    assert Alert.objects.filter(application=app, kind="step", level="overdue").count() == 1


@pytest.mark.celery_worker
@pytest.mark.skipif(os.environ.get("CELERY_WORKER_TEST") != "1",
                    reason="needs the real worker that .ci/run starts (CELERY_WORKER_TEST=1)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_sent_through_the_broker_flags_a_real_overdue_step_once(make_application, department):
    from apps.supervision.tasks import sweep_deadlines
    from govservice.celery import app as celery_app

    assert celery_app.control.ping(timeout=5), "no Celery worker answered on the broker"
    app = overdue_application(make_application, department, "000900000600")
    celery_app.conf.task_always_eager = False
    first, second = sweep_deadlines.delay(), sweep_deadlines.delay()
    results = [first.get(timeout=60), second.get(timeout=60)]
    assert sum(r[STEPS_OVERDUE] for r in results) == 1
    step = app.steps.get()
    step.refresh_from_db()
    assert step.flag == "overdue"
    assert Alert.objects.filter(application=app, kind="step", level="overdue").count() == 1
