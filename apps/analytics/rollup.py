"""The daily rollup's job: what happened each day, added up per place, kept in step with the applications.

The job (`refresh_rollup`, every few minutes from Celery beat) rolls up the days after `rolled_through` up to
yesterday, and again every day on which an application changed since its last run counts anything: each
event on an application leaves a `RollupChange` (`note_change`, from a receiver), in the same transaction as
the change. A calendar change moves `rolled_through` back to the day before the first day it changed
(`forget_days`), since approval times in working days from then on may have changed. Until the job has run,
the figures count those days from the applications themselves (apps.analytics.rolled).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from apps.applications.clock import local_date

from . import daily
from .daily import DAY_KEYS, Grouping
from .filters import DayRange, Scope
from .models import DayCounts, DayDecisions, DayStepTimes, RollupChange, RollupState
from .rolled import consecutive, rollup_state, within

logger = logging.getLogger(__name__)

BATCH = 2000


@dataclass
class RollupReport:
    days: tuple[DayRange, ...]  # the ranges of days (re)computed
    rows: int  # rollup rows written
    changes: int  # application changes taken in
    rolled_through: date | None


def note_change(application_id: int) -> None:
    """An application changed: its days are counted live until the job has rolled them up again."""
    RollupChange.objects.create(application_id=application_id)


def forget_days(*, since: date) -> None:
    """The days from `since` on must be rolled up again (the working-day calendar changed on `since`)."""
    if RollupState._meta.db_table not in connection.introspection.table_names():
        return  # a partial migrate that has not reached this app's rollup yet
    with transaction.atomic():
        state = RollupState.objects.select_for_update().filter(pk=1).first()
        if state and state.rolled_through and state.rolled_through >= since:
            state.rolled_through = since - timedelta(days=1)
            state.save(update_fields=["rolled_through"])


def refresh_rollup(*, now: datetime) -> RollupReport:
    """Roll up every day up to yesterday not rolled up yet, and again the days of the changed applications.

    One transaction: the figures see the rollup before or after, never half of it; two jobs take turns on the
    state row. The changes taken in are those read at the start; later ones stay for the next run.
    """
    through = local_date(now) - timedelta(days=1)
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        change_ids = list(RollupChange.objects.values_list("pk", flat=True))
        rolled_through, changed = rollup_state()  # the changed days of those changes and any later ones
        days: list[DayRange] = []
        if rolled_through is not None:
            days += consecutive(day for day in changed if day <= rolled_through)
        if rolled_through is None or rolled_through < through:
            days.append((rolled_through + timedelta(days=1) if rolled_through else None, through))
        rows = _roll_up(tuple(days)) if days else 0
        for start in range(0, len(change_ids), BATCH):
            RollupChange.objects.filter(pk__in=change_ids[start:start + BATCH]).delete()
        state.rolled_through = max(rolled_through or through, through)
        state.save(update_fields=["rolled_through"])
    report = RollupReport(days=tuple(days), rows=rows, changes=len(change_ids), rolled_through=state.rolled_through)
    logger.info("rollup refreshed", extra={"ranges": len(days), "rows": rows, "changes": len(change_ids)})
    return report


def rebuild_rollup(*, now: datetime) -> RollupReport:
    """Forget the whole rollup and build it again from the applications (`manage.py rebuild_rollup`)."""
    with transaction.atomic():
        RollupState.objects.select_for_update().update_or_create(pk=1, defaults={"rolled_through": None})
        for model in (DayCounts, DayDecisions, DayStepTimes):
            model.objects.all().delete()
        return refresh_rollup(now=now)


def _roll_up(days: tuple[DayRange, ...]) -> int:
    """Replace the rows of `days` by rows counted from the applications; returns how many were written."""
    for model in (DayCounts, DayDecisions, DayStepTimes):
        model.objects.filter(within(days)).delete()
    scope, group = Scope(days=days), Grouping(daily=True)
    counts = [DayCounts(**_place(key), **row) for key, row in daily.counts(scope, group).items()]
    decisions = [DayDecisions(**_place(key), working_days=working_days, decided=n, **sums)
                 for key, working_days, n, sums in _merged(daily.decisions(scope, group))]
    steps = [DayStepTimes(**_place(key[:len(DAY_KEYS)]), step_department_id=key[-2], step_name=key[-1],
                          working_days=working_days, finished=n, **sums)
             for key, working_days, n, sums in _merged(daily.step_times(scope, group))]
    for model, rows in ((DayCounts, counts), (DayDecisions, decisions), (DayStepTimes, steps)):
        model.objects.bulk_create(rows, batch_size=BATCH)
    return len(counts) + len(decisions) + len(steps)


def _place(key: tuple) -> dict:
    day, department_id, item_id, hall_id = key
    return {"day": day, "department_id": department_id, "service_item_id": item_id, "hall_id": hall_id}


def _merged(rows: list[tuple]) -> list[tuple]:
    """Span rows with the same key and length (a negative length counts as zero) made one."""
    merged: dict[tuple, tuple[int, dict]] = {}
    for key, working_days, n, sums in rows:
        count, totals = merged.get((key, working_days), (0, {}))
        merged[(key, working_days)] = (count + n, {name: totals.get(name, 0) + value for name, value in sums.items()})
    return [(key, working_days, n, sums) for (key, working_days), (n, sums) in merged.items()]
