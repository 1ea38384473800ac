"""The deadline sweep (期限预警与超时), in SQL.

Each level is three statements, whatever the number of rows:

1. `UPDATE … SET flag, flagged_at = now WHERE <open> AND <moment> <= now` (the ORM's `.update()`), over a partial
   index of the open rows: its cost grows with the rows it flags, not with the open rows;
2. `UPDATE … SET flagged_at = now WHERE <open> AND flag = <level> AND flagged_at IS NULL`: the rows a service
   set to that flag itself (`clock.reflag`), over a partial index of those few;
3. `INSERT INTO alert … SELECT … WHERE flagged_at = now … ON CONFLICT DO NOTHING`: the
   alerts of exactly those rows, built by the database, not in Python, so memory stays
   flat even when a backlog of a million rows turns red at once.

All run in one transaction per table. The unique (subject, level, deadline) of an alert
means a repeated or concurrent run adds nothing; a concurrent UPDATE waits for the row
locks and then finds the rows already flagged.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from apps.applications.models import Application, Flag, Status, Step, StepStatus
from apps.evaluation.models import Rating, Rectification

from .models import Alert, AlertKind, AlertLevel


def _execute(sql: str, params: list) -> None:
    """Run one statement; times are passed as the database stores them."""
    params = [connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass(frozen=True)
class Target:
    """A table the sweep flags, and how its rows become alerts."""

    model: type
    kind: str
    open_rows: dict  # the rows whose clock runs, as ORM filters
    application_sql: str  # the alert's application, in terms of `t` (the table) and `joins`
    step_sql: str = "NULL"
    joins: str = ""

    @property
    def table(self) -> str:
        return self.model._meta.db_table


STEPS = Target(Step, AlertKind.STEP, {"status": StepStatus.ACTIVE, "suspended": False},
               application_sql="t.application_id", step_sql="t.id")
APPLICATIONS = Target(Application, AlertKind.APPLICATION, {"status": Status.ACCEPTED, "suspended": False},
                      application_sql="t.id")
RECTIFICATIONS = Target(Rectification, AlertKind.RECTIFICATION, {"status": Rectification.Status.OPEN},
                        application_sql="r.application_id",
                        joins=f"JOIN {Rating._meta.db_table} r ON r.id = t.rating_id")

# level -> (the flags it moves from, the moment that must have passed)
LEVELS = {
    AlertLevel.OVERDUE: ((Flag.NORMAL, Flag.WARNING), "due_at"),
    AlertLevel.WARNING: ((Flag.NORMAL,), "warning_at"),
}


def _raise_alerts(target: Target, *, level: str, flagged_column: str, due_column: str, where_sql: str,
                  params: list, now: datetime) -> None:
    alerts = Alert._meta.db_table
    _execute(
        f"INSERT INTO {alerts} (kind, level, subject, due_at, application_id, step_id, department_id, raised_at) "  # noqa: S608
        f"SELECT %s, %s, CAST(%s AS TEXT) || CAST(t.id AS TEXT), t.{due_column}, {target.application_sql}, "
        f"{target.step_sql}, t.department_id, %s FROM {target.table} t {target.joins} "
        f"WHERE t.{flagged_column} = %s AND {where_sql} ON CONFLICT DO NOTHING",
        [target.kind, level, f"{target.kind}:", now, now, *params])


def flag_level(target: Target, *, level: str, now: datetime) -> int:
    """Flag the open rows of `target` that reached `level` by `now`; raise one alert per row flagged.

    Rows a service already set to `level` (a case deemed accepted as of an earlier receipt, a resume or an
    extension that leaves it late: `clock.reflag`) have no `flagged_at` yet: they are raised here too.
    """
    from_flags, moment = LEVELS[level]
    open_rows = target.model.objects.filter(**target.open_rows)
    flagged = (open_rows.filter(flag__in=from_flags, **{f"{moment}__lte": now}).update(flag=level, flagged_at=now)
               + open_rows.filter(flag=level, flagged_at__isnull=True).update(flagged_at=now))
    if flagged:
        _raise_alerts(target, level=level, flagged_column="flagged_at", due_column="due_at",
                      where_sql="t.flag = %s", params=[level], now=now)
    return flagged


def flag_target(target: Target, *, now: datetime) -> dict[str, int]:
    """Red first (past the deadline), then yellow (past the warning moment), in one transaction."""
    with transaction.atomic():
        return {level: flag_level(target, level=level, now=now) for level in (AlertLevel.OVERDUE,
                                                                              AlertLevel.WARNING)}


def flag_late_deliveries(*, now: datetime) -> int:
    """送达 (art. 44): decided but not delivered within 10 working days of the decision."""
    with transaction.atomic():
        late = (Application.objects
                .filter(status__in=[Status.APPROVED, Status.DENIED], delivery_flagged_at__isnull=True,
                        delivery_due_at__lte=now)
                .update(delivery_flagged_at=now))
        if late:
            target = Target(Application, AlertKind.DELIVERY, {}, application_sql="t.id")
            _raise_alerts(target, level=AlertLevel.OVERDUE, flagged_column="delivery_flagged_at",
                          due_column="delivery_due_at", where_sql="1 = 1", params=[], now=now)
    return late
