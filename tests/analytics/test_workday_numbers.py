"""The working-day numbers the SQL uses agree with the calendar, and follow its changes."""

from datetime import date, timedelta

import pytest

from apps.analytics.models import WorkdayNumber
from apps.analytics.workday_numbers import rebuild_workday_numbers
from apps.workdays.calendar import workdays_between
from apps.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def _between(start, end):
    numbers = dict(WorkdayNumber.objects.filter(day__in=[start, end]).values_list("day", "number"))
    return numbers[end] - numbers[start]


def test_numbers_agree_with_the_calendar_across_a_holiday():
    rebuild_workday_numbers()
    start = date(2025, 9, 20)
    for offset in range(0, 40):
        end = start + timedelta(days=offset)
        assert _between(start, end) == workdays_between(start, end), end


def test_a_calendar_change_renumbers(django_capture_on_commit_callbacks):
    rebuild_workday_numbers()
    before = _between(date(2025, 12, 1), date(2025, 12, 31))
    year = CalendarYear.objects.get(year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=date(2025, 12, 15), kind="holiday", name="test", calendar_year=year)
    assert _between(date(2025, 12, 1), date(2025, 12, 31)) == before - 1
