"""Working-day arithmetic against the official arrangements and the package it was seeded from."""

import random
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from django.utils import timezone

from apps.workdays import calendar
from apps.workdays.calendar import (
    CalendarRangeError,
    add_workdays,
    is_provisional,
    is_workday,
    missing_next_year,
    workdays_between,
)
from apps.workdays.models import CalendarDay
from apps.workdays.services import enter_year

pytestmark = pytest.mark.django_db


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_weekends_rest_and_weekdays_work():
    assert [is_workday(d) for d in days(date(2026, 3, 6), date(2026, 3, 9))] == [True, False, False, True]


@pytest.mark.parametrize(("name", "rest", "adjusted"), [
    ("2024 春节", days(date(2024, 2, 10), date(2024, 2, 17)), [date(2024, 2, 4), date(2024, 2, 18)]),
    ("2024 国庆", days(date(2024, 10, 1), date(2024, 10, 7)), [date(2024, 9, 29), date(2024, 10, 12)]),
    ("2025 春节", days(date(2025, 1, 28), date(2025, 2, 4)), [date(2025, 1, 26), date(2025, 2, 8)]),
    ("2025 国庆+中秋", days(date(2025, 10, 1), date(2025, 10, 8)), [date(2025, 9, 28), date(2025, 10, 11)]),
    ("2026 春节", days(date(2026, 2, 15), date(2026, 2, 23)), [date(2026, 2, 14), date(2026, 2, 28)]),
    ("2026 国庆", days(date(2026, 10, 1), date(2026, 10, 7)), [date(2026, 9, 20), date(2026, 10, 10)]),
])
def test_holiday_periods_rest_and_adjusted_weekends_work(name, rest, adjusted):
    assert not any(is_workday(d) for d in rest), name
    assert all(is_workday(d) for d in adjusted), name
    assert all(d.weekday() >= 5 for d in adjusted)
    # The package the calendar was seeded from says the same.
    assert [is_workday(d) for d in rest + adjusted] == [chinese_calendar.is_workday(d) for d in rest + adjusted]


def test_every_day_2004_to_2026_agrees_with_chinesecalendar():
    disagree = [d for d in days(date(2004, 1, 1), date(2026, 12, 31))
                if is_workday(d) != chinese_calendar.is_workday(d)]
    assert disagree == []


def test_2025_and_2026_have_248_working_days():
    assert workdays_between(date(2024, 12, 31), date(2025, 12, 31)) == 248
    assert workdays_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


@pytest.mark.parametrize(("start", "n", "due"), [
    (date(2026, 2, 10), 5, date(2026, 2, 24)),  # across the Spring Festival; 2/14 Saturday counts
    (date(2026, 2, 10), 20, date(2026, 3, 16)),
    (date(2026, 4, 30), 5, date(2026, 5, 11)),  # 5/9 Saturday counts
    (date(2026, 9, 18), 20, date(2026, 10, 22)),  # 9/20 Sunday and 10/10 Saturday count
    (date(2026, 2, 15), 1, date(2026, 2, 24)),  # a start on a rest day: the next working day is the first
])
def test_worked_examples(start, n, due):
    assert add_workdays(start, n) == due
    assert workdays_between(start, due) == n


def test_workdays_between_is_the_inverse_of_add_workdays():
    rng = random.Random(7)
    for _ in range(2000):
        start = date(2004, 1, 1) + timedelta(days=rng.randrange(8400))
        n = rng.randint(1, 365)
        due = add_workdays(start, n)
        assert workdays_between(start, due) == n
        assert workdays_between(start, due - timedelta(days=1)) == n - 1


def test_workdays_between_is_zero_unless_end_is_after_start():
    assert workdays_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert workdays_between(date(2026, 3, 9), date(2026, 3, 2)) == 0
    assert workdays_between(date(2026, 3, 6), date(2026, 3, 8)) == 0  # Friday to Sunday


def test_zero_days_leaves_the_start_unchanged_even_on_a_rest_day():
    assert add_workdays(date(2026, 2, 17), 0) == date(2026, 2, 17)


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError, match="不能为负数"):
        add_workdays(date(2026, 3, 9), -1)


@pytest.mark.parametrize("call", [
    lambda: is_workday(date(2003, 12, 31)),
    lambda: add_workdays(date(2003, 12, 31), 5),
    lambda: workdays_between(date(2003, 12, 1), date(2004, 1, 5)),
    lambda: is_provisional(date(1999, 1, 1)),
    lambda: is_workday(date(2101, 1, 3)),
    lambda: add_workdays(date(2100, 12, 1), 30),
])
def test_dates_outside_the_calendar_are_a_clear_error(call):
    with pytest.raises(CalendarRangeError, match="超出了工作日历的范围|工作日历截至2100年"):
        call()
    assert issubclass(CalendarRangeError, ValueError)


def test_a_datetime_is_refused_rather_than_truncated():
    aware = timezone.make_aware(datetime(2026, 2, 13, 20, 0))
    with pytest.raises(TypeError, match="localdate"):
        add_workdays(aware, 1)
    with pytest.raises(TypeError, match="localdate"):
        is_workday("2026-02-13")


def test_no_query_per_call_once_loaded(django_assert_num_queries):
    is_workday(date(2026, 1, 5))
    with django_assert_num_queries(0):
        for i in range(5000):
            start = date(2004, 1, 1) + timedelta(days=i * 3)
            add_workdays(start, 20)
            is_workday(start)
            workdays_between(start, start + timedelta(days=40))
            is_provisional(start)


def test_a_computation_past_the_built_years_extends_them():
    due = add_workdays(date(2040, 6, 1), 365)
    assert date(2041, 10, 1) < due < date(2042, 2, 1)
    assert workdays_between(date(2040, 6, 1), due) == 365
    assert not is_workday(date(2090, 1, 1))  # New Year's Day, far beyond anything loaded at first
    assert add_workdays(date(2026, 1, 1), 17000).year == 2094


class TestAYearNotEntered:
    """2027 is not in chinesecalendar 1.11: deadlines into it are provisional (暂定)."""

    def test_counts_weekends_and_statutory_holidays_only(self):
        assert not is_workday(date(2027, 1, 1))  # 元旦, a Friday
        assert not is_workday(date(2027, 1, 2))
        assert is_workday(date(2027, 1, 4))
        # Dec 16-31: 12 working days; Jan 1 is a holiday; Jan 4-8 and 11-13 make 20.
        assert add_workdays(date(2026, 12, 15), 20) == date(2027, 1, 13)
        assert is_provisional(date(2027, 1, 13))
        assert not is_provisional(date(2026, 12, 15))

    def test_entering_the_year_changes_the_deadline_by_itself(self, django_capture_on_commit_callbacks,
                                                              calendar_signals):
        start = date(2026, 12, 15)
        assert add_workdays(start, 20) == date(2027, 1, 13)
        with django_capture_on_commit_callbacks(execute=True):
            enter_year(year=2027, notice="国办发明电〔2026〕1号", days=[
                (date(2027, 1, 1), "holiday", "元旦"),
                (date(2027, 1, 4), "holiday", "元旦"),
                (date(2027, 1, 5), "holiday", "元旦"),
                (date(2027, 1, 9), "workday", "元旦"),
            ])
        # Dec: 12; Jan 6-8: 15; Saturday Jan 9: 16; Jan 11-14: 20.
        assert add_workdays(start, 20) == date(2027, 1, 14)
        assert not is_provisional(date(2027, 1, 14))
        assert is_workday(date(2027, 1, 9))
        assert calendar_signals == [[2027]]

    def test_days_of_a_year_not_marked_entered_are_a_draft(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            enter_year(year=2027, days=[(date(2027, 1, 4), "holiday", "元旦")])
        assert not is_workday(date(2027, 1, 4))
        with django_capture_on_commit_callbacks(execute=True):
            year = CalendarDay.objects.get(date=date(2027, 1, 4)).calendar_year
            year.entered = False
            year.save()
        assert is_workday(date(2027, 1, 4))
        assert is_provisional(date(2027, 1, 4))


class TestAnotherProcessEdits:
    """Another web worker or the Celery worker changed the calendar: noticed within the refresh interval."""

    @pytest.fixture
    def clock(self, monkeypatch, settings):
        settings.WORKDAYS_REFRESH_SECONDS = 60
        now = [1000.0]
        monkeypatch.setattr(calendar, "monotonic", lambda: now[0])
        return now

    def test_an_edit_is_picked_up_after_the_interval(self, clock):
        assert not is_workday(date(2026, 2, 16))
        # Like another process: no signal reaches this one.
        CalendarDay.objects.filter(date=date(2026, 2, 16)).update(kind="workday", updated_at=timezone.now())
        clock[0] += 59
        assert not is_workday(date(2026, 2, 16))
        clock[0] += 1
        assert is_workday(date(2026, 2, 16))

    def test_a_deleted_day_is_picked_up(self, clock):
        assert not is_workday(date(2026, 10, 7))  # a Wednesday of 国庆
        CalendarDay.objects.filter(date=date(2026, 10, 7)).delete()  # its on-commit hook never runs here
        assert not is_workday(date(2026, 10, 7))
        clock[0] += 60
        assert is_workday(date(2026, 10, 7))

    def test_an_unchanged_calendar_costs_one_query_per_interval(self, clock, django_assert_num_queries):
        is_workday(date(2026, 2, 16))
        clock[0] += 60
        with django_assert_num_queries(1):
            for _ in range(100):
                assert not is_workday(date(2026, 2, 16))


@pytest.mark.parametrize(("today", "missing"), [
    (date(2026, 9, 30), None),
    (date(2026, 10, 1), 2027),
    (date(2026, 12, 31), 2027),
    (date(2025, 10, 1), None),  # 2026 is entered
    (date(2027, 3, 1), None),
])
def test_missing_next_year(today, missing):
    assert missing_next_year(today) == missing


def test_missing_next_year_is_none_once_entered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter_year(year=2027, days=[(date(2027, 1, 1), "holiday", "元旦")])
    assert missing_next_year(date(2026, 10, 1)) is None
