"""办件编号: every submission gets its own tracking number at once, however many arrive together."""

import re
import threading

import pytest
from django.db import connection, connections

from apps.applications import services
from apps.applications.models import Application, TrackingCounter
from tests.helpers import at

pytestmark = pytest.mark.django_db


def submit(citizen, item, now):
    return services.submit_application(actor=citizen, item=item, channel="online", delivery_method="electronic",
                                       now=now)


def serial(application) -> int:
    return int(application.tracking_number.rsplit("-", 1)[1])


def test_a_tracking_number_reads_prefix_day_and_serial(citizen, item):
    application = submit(citizen, item, at(2026, 11, 26, 23, 30))
    assert re.fullmatch(r"WEB-20261126-\d{6}", application.tracking_number)


def test_a_window_application_carries_the_halls_code(clerk, item, citizen):
    application = services.submit_application(
        actor=clerk, item=item, channel="window", delivery_method="window", now=at(2026, 11, 26, 9),
        applicant={"name": citizen.name, "id_number": citizen.id_number, "phone": citizen.phone})
    assert application.tracking_number.startswith(f"{clerk.hall.code}-20261126-")


def test_serials_grow_with_each_submission_even_at_the_same_moment(citizen, item):
    now = at(2026, 11, 26, 9)
    first, second, third = (submit(citizen, item, now) for _ in range(3))
    assert serial(first) < serial(second) < serial(third)
    assert len({first.tracking_number, second.tracking_number, third.tracking_number}) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequence is PostgreSQL's")
def test_submissions_arriving_together_each_get_a_unique_number_without_waiting(citizen, item):
    """Eight submissions released at the same instant with the same clock reading: none fails, none repeats."""
    now = at(2026, 11, 26, 9, 0, 0)
    barrier = threading.Barrier(8)
    numbers, failures = [], []

    def run():
        try:
            barrier.wait()
            numbers.append(submit(citizen, item, now).tracking_number)
        except Exception as error:  # collected, so the assertion below names it
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(set(numbers)) == 8
    assert Application.objects.filter(tracking_number__in=numbers).count() == 8


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequence is PostgreSQL's")
def test_no_counter_row_is_locked_on_postgresql(citizen, item):
    submit(citizen, item, at(2026, 11, 26, 9))
    assert not TrackingCounter.objects.exists()
