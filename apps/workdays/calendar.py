"""Working-day arithmetic (工作日计算), the API the rest of the project imports.

Every legal time limit counts working days (行政许可法 art. 82): weekends and
statutory holidays are not counted, adjusted working weekends (调休上班) are. The
day the clock starts is never counted.

A year whose arrangement is entered follows its `CalendarDay` rows. A year not
entered yet is *provisional*: weekends and the statutory holidays from the
`holidays` package (fixed and lunar dates and their substitute days 补假), without
the adjusted working weekends nobody knows yet.

The calendar is loaded once per process into a sorted array of working-day
ordinals, so each call is a lookup or a binary search, never a loop over days
and never a query. A save in this process drops it on commit (see signals.py);
an edit made by another process is noticed by one cheap version query at most
every `WORKDAYS_REFRESH_SECONDS`.

Only `date` is accepted: a `datetime` is refused rather than truncated, because
an aware datetime's own date is not necessarily the date in Asia/Shanghai. Call
`timezone.localdate(dt)` first.
"""

import threading
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from time import monotonic

import holidays
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FIRST_YEAR, CalendarDay, CalendarYear, DayKind

FIRST_DAY = date(FIRST_YEAR, 1, 1)
# The lunar dates of the statutory holidays are known up to here.
LAST_YEAR = holidays.China.end_year
# How far beyond the last entered year (and this year) the calendar is built at once.
YEARS_AHEAD = 5
# Administrators are warned from this month on while next year is not entered.
WARN_FROM_MONTH = 10


class CalendarRangeError(ValueError):
    """A date the calendar cannot count: before 2004 or past the known lunar dates."""


@dataclass(frozen=True)
class _Snapshot:
    """What the database said: the entered years and their days, and the version it had."""

    version: tuple
    entered: frozenset[int]
    days: dict[int, bool]  # ordinal -> is a working day, for entered years only


@dataclass
class _Calendar:
    snapshot: _Snapshot
    last_ordinal: int
    is_work: bytearray  # indexed by ordinal - FIRST_DAY.toordinal()
    workdays: array  # sorted ordinals of the working days
    checked_at: float


_FIRST_ORDINAL = FIRST_DAY.toordinal()
_LAST_ORDINAL = date(LAST_YEAR, 12, 31).toordinal()
_calendar: _Calendar | None = None
_lock = threading.Lock()


def is_workday(d: date) -> bool:
    """Whether `d` is a working day."""
    ordinal = _ordinal(d)
    return bool(_loaded(ordinal).is_work[ordinal - _FIRST_ORDINAL])


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself never counts); n=0 returns `start`."""
    if n < 0:
        raise ValueError(_("A number of working days cannot be negative (got %(n)s).") % {"n": n})
    ordinal = _ordinal(start)
    if n == 0:
        return start
    cal = _loaded(ordinal)
    while True:
        index = bisect_right(cal.workdays, ordinal) + n - 1
        if index < len(cal.workdays):
            return date.fromordinal(cal.workdays[index])
        if cal.last_ordinal >= _LAST_ORDINAL:
            raise CalendarRangeError(
                _("The working-day calendar ends in %(last)s: the statutory holidays after it are unknown.")
                % {"last": LAST_YEAR})
        # Past the built years: build further; a working day takes well under two calendar days.
        cal = _loaded(min(cal.last_ordinal + 2 * (index - len(cal.workdays) + 1), _LAST_ORDINAL))


def workdays_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end`; 0 if `end` is not after `start`."""
    first, last = _ordinal(start), _ordinal(end)
    if last <= first:
        return 0
    workdays = _loaded(last).workdays
    return bisect_right(workdays, last) - bisect_right(workdays, first)


def is_provisional(d: date) -> bool:
    """Whether `d` falls in a year whose arrangement is not entered (暂定): a deadline there may move."""
    _ordinal(d)
    return d.year not in _loaded(_FIRST_ORDINAL).snapshot.entered


def missing_next_year(today: date) -> int | None:
    """From October on, next year if its arrangement is not entered yet, else None."""
    if today.month < WARN_FROM_MONTH:
        return None
    next_year = today.year + 1
    return next_year if is_provisional(date(next_year, 1, 1)) else None


def reload_calendar() -> None:
    """Read the calendar from the database now."""
    global _calendar
    with _lock:
        _calendar = _build(_read_snapshot(), checked_at=monotonic(), up_to=_FIRST_ORDINAL)


def clear_cache() -> None:
    """Forget the loaded calendar; the next call reads it again."""
    global _calendar
    with _lock:  # waits for a load under way, which may have read the data before the change
        _calendar = None


def _ordinal(d: date) -> int:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}; convert a datetime with timezone.localdate()")
    if d < FIRST_DAY or d.year > LAST_YEAR:
        raise CalendarRangeError(
            _("%(date)s is outside the working-day calendar, which covers %(first)s to %(last)s.")
            % {"date": d, "first": FIRST_YEAR, "last": LAST_YEAR})
    return d.toordinal()


def _loaded(up_to: int) -> _Calendar:
    """The calendar, loaded or refreshed if due, built at least up to the ordinal `up_to`."""
    cal = _calendar
    if cal is None or up_to > cal.last_ordinal or monotonic() - cal.checked_at >= settings.WORKDAYS_REFRESH_SECONDS:
        cal = _update(up_to)
    return cal


def _update(up_to: int) -> _Calendar:
    global _calendar
    with _lock:
        cal, now = _calendar, monotonic()
        if cal is not None and now - cal.checked_at >= settings.WORKDAYS_REFRESH_SECONDS:
            if _version() == cal.snapshot.version:
                cal.checked_at = now
            else:
                cal = None
        if cal is None:
            cal = _build(_read_snapshot(), checked_at=now, up_to=up_to)
        elif up_to > cal.last_ordinal:
            cal = _build(cal.snapshot, checked_at=cal.checked_at, up_to=up_to)
        _calendar = cal
    return cal


def _version() -> tuple:
    """Changes whenever a year or a day is added, changed or deleted: one query."""
    return tuple(CalendarYear.objects.aggregate(
        year_count=Count("pk", distinct=True), year_changed=Max("updated_at"),
        day_count=Count("days"), day_changed=Max("days__updated_at"),
    ).values())


def _read_snapshot() -> _Snapshot:
    # The version first: an edit landing in between then only causes one more reload.
    version = _version()
    entered = frozenset(CalendarYear.objects.filter(entered=True).values_list("year", flat=True))
    days = CalendarDay.objects.filter(calendar_year__entered=True).values_list("date", "kind")
    return _Snapshot(version=version, entered=entered,
                     days={d.toordinal(): kind == DayKind.WORKDAY for d, kind in days})


def _build(snapshot: _Snapshot, *, checked_at: float, up_to: int) -> _Calendar:
    last_year = min(LAST_YEAR, YEARS_AHEAD + max(
        date.fromordinal(up_to).year, max(snapshot.entered, default=FIRST_YEAR), timezone.localdate().year))
    last_ordinal = date(last_year, 12, 31).toordinal()
    # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is the weekday, Monday = 0.
    is_work = bytearray((ordinal - 1) % 7 < 5 for ordinal in range(_FIRST_ORDINAL, last_ordinal + 1))
    provisional = [y for y in range(FIRST_YEAR, last_year + 1) if y not in snapshot.entered]
    for holiday in holidays.China(years=provisional, observed=True):
        if holiday.toordinal() <= last_ordinal:
            is_work[holiday.toordinal() - _FIRST_ORDINAL] = False
    for ordinal, working in snapshot.days.items():
        if ordinal <= last_ordinal:
            is_work[ordinal - _FIRST_ORDINAL] = working
    workdays = array("l", (i + _FIRST_ORDINAL for i, working in enumerate(is_work) if working))
    return _Calendar(snapshot=snapshot, last_ordinal=last_ordinal, is_work=is_work, workdays=workdays,
                     checked_at=checked_at)
