import pytest

from apps.workdays.calendar import clear_cache
from apps.workdays.signals import calendar_changed


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The calendar is cached per process: a test's rolled-back edits must not reach the next test."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def calendar_signals():
    """The `years` of every calendar_changed signal sent during the test."""
    received = []

    def listener(sender, years, **kwargs):
        received.append(years)

    calendar_changed.connect(listener)
    yield received
    calendar_changed.disconnect(listener)
