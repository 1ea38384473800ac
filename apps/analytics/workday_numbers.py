"""Keeps `WorkdayNumber`, the calendar's working days numbered for SQL, in step with the calendar."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from apps.workdays.calendar import FIRST_DAY, YEARS_AHEAD, is_workday

from .models import WorkdayNumber
from .rollup import forget_days


def rebuild_workday_numbers() -> int:
    """Number every day from the calendar's first day to the end of the calendar's built years; returns how
    many rows were written (0 when they were already right)."""
    if WorkdayNumber._meta.db_table not in connection.introspection.table_names():
        return 0  # a partial migrate that has not reached this app yet
    last = date(timezone.localdate().year + YEARS_AHEAD, 12, 31)
    numbers, number, day = {}, 0, FIRST_DAY
    while day <= last:
        number += is_workday(day)
        numbers[day] = number
        day += timedelta(days=1)
    before = dict(WorkdayNumber.objects.values_list("day", "number"))
    if before == numbers:
        return 0  # nothing changed (every `migrate` asks)
    rows = [WorkdayNumber(day=d, number=n) for d, n in numbers.items()]
    with transaction.atomic():
        WorkdayNumber.objects.all().delete()
        WorkdayNumber.objects.bulk_create(rows, batch_size=2000)
        # A span in working days changes when a day it covers changed: the decisions from the first one on.
        forget_days(since=min(day for day in numbers.keys() | before.keys()
                              if numbers.get(day) != before.get(day)))
    return len(rows)

