"""Sending notifications never holds up the supervision jobs: the sends have a queue of their own, and a worker
started without options takes from both queues in turn (the soak saw a sweep wait behind thousands of sends)."""

from apps.notifications.tasks import send_notification
from apps.supervision.tasks import sweep_deadlines
from govservice.celery import app


def test_a_sweep_queued_behind_a_burst_of_sends_is_taken_at_once():
    app.conf.task_always_eager = False  # through a broker (in memory); the suite's fixture restores it
    with app.connection_for_write("memory://") as connection:
        for pk in range(50):
            send_notification.apply_async((pk,), connection=connection)
        sweep_deadlines.apply_async(connection=connection)

        taken = []

        def take(body, message):
            taken.append(message.headers["task"])
            message.ack()

        # The queues a worker consumes when started as `celery -A govservice worker` (make stack, compose).
        queues = list(app.amqp.queues.consume_from.values())
        with connection.Consumer(queues, callbacks=[take], accept=["json"]):
            while len(taken) < 3:
                connection.drain_events(timeout=1)
        for queue in queues:
            queue(connection).purge()
    assert "apps.supervision.tasks.sweep_deadlines" in taken[:2], taken
