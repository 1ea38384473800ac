"""Three Celery queues, each message in exactly one: the work of one kind never waits behind another's."""

import pytest
from kombu import Connection

from apps.analytics.tasks import run_audit_check_task
from apps.notifications.tasks import send_notification
from apps.supervision.tasks import sweep_deadlines
from govservice.celery import app as celery_app


@pytest.mark.parametrize(("task", "queue"), [(sweep_deadlines, "celery"), (send_notification, "notifications"),
                                             (run_audit_check_task, "reports")])
def test_each_kind_of_task_goes_to_its_queue(task, queue):
    assert celery_app.amqp.router.route({}, task.name)["queue"].name == queue


def test_a_message_lands_in_one_queue_only():
    """Through a transport that routes as a broker does (kombu's in-memory one): no message is copied into
    another queue, none is lost."""
    celery_app.conf.task_always_eager = False  # to the broker, not run here (the suite's fixture restores it)
    with Connection("memory://") as connection:
        queues = [q.bind(connection) for q in celery_app.amqp.queues.values()]
        for q in queues:
            q.declare()
        with celery_app.producer_or_acquire(connection.Producer()) as producer:
            send_notification.apply_async((1,), producer=producer)
            sweep_deadlines.apply_async(producer=producer)
        held = {q.name: 0 for q in queues}
        for q in queues:
            while (message := q.get(no_ack=True)) is not None:
                held[q.name] += 1
                assert message.headers["task"] == {"notifications": send_notification.name,
                                                   "celery": sweep_deadlines.name}[q.name]
    assert held == {"celery": 1, "notifications": 1, "reports": 0}
