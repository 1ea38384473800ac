import pytest

from apps.workdays.signals import calendar_changed


@pytest.fixture
def calendar_signals():
    """The `years` of every calendar_changed signal sent during the test."""
    received = []

    def listener(sender, years, **kwargs):
        received.append(years)

    calendar_changed.connect(listener)
    yield received
    calendar_changed.disconnect(listener)
