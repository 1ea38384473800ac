"""电子监察: the supervision jobs, set-based.

Each level of the deadline sweep is one `UPDATE … WHERE … RETURNING` over a partial
index of open rows, so its cost grows with the rows it flags, not with the rows
that are open. The alerts for the flagged rows are written in the same transaction
(a unique constraint makes a second run add nothing), and the people to tell are
notified by a separate pass over unnotified alerts, so a sweep stays short even when
it flags thousands of rows. Every job is idempotent: run twice, at once or after a
crash half-way, it finishes the work and duplicates nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.applications import selectors as application_selectors
from apps.applications import services as application_services
from apps.applications.clock import local_date
from apps.applications.messages import remind_applicant
from apps.applications.models import Application, CorrectionNotice, Flag, Status, Step, StepStatus
from apps.applications.states import TransitionNotAllowed
from apps.evaluation.models import Rectification

from .models import Alert, AlertKind, AlertLevel
from .notify import notify_new_alerts

# What the operator reads for each count of `Report.flagged` (the keys the jobs return).
FLAGGED_LABELS = {
    "steps overdue": gettext_lazy("steps overdue"),
    "steps warning": gettext_lazy("steps warning"),
    "applications overdue": gettext_lazy("applications overdue"),
    "applications warning": gettext_lazy("applications warning"),
    "deliveries overdue": gettext_lazy("deliveries overdue"),
    "rectifications overdue": gettext_lazy("rectifications overdue"),
    "rectifications warning": gettext_lazy("rectifications warning"),
}


@dataclass
class Report:
    """What one run flagged, deemed accepted and notified."""

    flagged: dict[str, int] = field(default_factory=dict)
    deemed_accepted: list[str] = field(default_factory=list)
    reminded: int = 0
    notified: int = 0

    def lines(self) -> list[str]:
        """The report for the operator, in the active language."""
        out = [_("flagged %(what)s: %(count)s") % {"what": FLAGGED_LABELS.get(name, name), "count": count}
               for name, count in self.flagged.items()]
        deemed = {"count": len(self.deemed_accepted), "numbers": ", ".join(self.deemed_accepted)}
        out.append(_("deemed accepted: %(count)s (%(numbers)s)") % deemed if self.deemed_accepted
                   else _("deemed accepted: %(count)s") % deemed)
        out.append(_("correction reminders: %(count)s") % {"count": self.reminded})
        out.append(_("notifications queued for alerts: %(count)s") % {"count": self.notified})
        return out


def _update_returning(model, *, set_sql: str, where_sql: str, params: list, returning: str) -> list[tuple]:
    """One UPDATE … RETURNING (PostgreSQL, and SQLite ≥ 3.35); times are passed as the database stores them."""
    sql = f"UPDATE {model._meta.db_table} SET {set_sql} WHERE {where_sql} RETURNING {returning}"  # noqa: S608
    params = [connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(_from_db(value) for value in row) for row in cursor.fetchall()]


def _from_db(value):
    """SQLite hands back times as naive UTC (text or datetime); everything downstream expects aware ones."""
    if connection.vendor != "sqlite":
        return value
    if isinstance(value, str):
        value = parse_datetime(value) or value
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


def _raise_alerts(rows: list[tuple], *, kind: str, level: str, now: datetime) -> None:
    """rows: (object id, application id, department id, step id or None, due_at)."""
    Alert.objects.bulk_create(
        [Alert(kind=kind, level=level, subject=f"{kind}:{obj}", due_at=due_at, application_id=app, step_id=step,
               department_id=dept, raised_at=now) for obj, app, dept, step, due_at in rows],
        ignore_conflicts=True, batch_size=1000)


def flag_steps(*, now: datetime) -> dict[str, int]:
    """审批环节: red once past the due moment, yellow once past the warning moment; never while paused."""
    open_step = "status = %s AND suspended = %s"
    with transaction.atomic():
        red = _update_returning(
            Step, set_sql="flag = %s, flagged_at = %s",
            where_sql=f"{open_step} AND flag IN (%s, %s) AND due_at <= %s",
            params=[Flag.OVERDUE, now, StepStatus.ACTIVE, False, Flag.NORMAL, Flag.WARNING, now],
            returning="id, application_id, department_id, id, due_at")
        _raise_alerts(red, kind=AlertKind.STEP, level=AlertLevel.OVERDUE, now=now)
        yellow = _update_returning(
            Step, set_sql="flag = %s, flagged_at = %s",
            where_sql=f"{open_step} AND flag = %s AND warning_at <= %s",
            params=[Flag.WARNING, now, StepStatus.ACTIVE, False, Flag.NORMAL, now],
            returning="id, application_id, department_id, id, due_at")
        _raise_alerts(yellow, kind=AlertKind.STEP, level=AlertLevel.WARNING, now=now)
    return {"steps overdue": len(red), "steps warning": len(yellow)}


def flag_applications(*, now: datetime) -> dict[str, int]:
    """承诺时限 of the whole application, the same way."""
    open_app = "status = %s AND suspended = %s"
    with transaction.atomic():
        red = _update_returning(
            Application, set_sql="flag = %s, flagged_at = %s",
            where_sql=f"{open_app} AND flag IN (%s, %s) AND due_at <= %s",
            params=[Flag.OVERDUE, now, Status.ACCEPTED, False, Flag.NORMAL, Flag.WARNING, now],
            returning="id, id, department_id, NULL, due_at")
        _raise_alerts(red, kind=AlertKind.APPLICATION, level=AlertLevel.OVERDUE, now=now)
        yellow = _update_returning(
            Application, set_sql="flag = %s, flagged_at = %s",
            where_sql=f"{open_app} AND flag = %s AND warning_at <= %s",
            params=[Flag.WARNING, now, Status.ACCEPTED, False, Flag.NORMAL, now],
            returning="id, id, department_id, NULL, due_at")
        _raise_alerts(yellow, kind=AlertKind.APPLICATION, level=AlertLevel.WARNING, now=now)
    return {"applications overdue": len(red), "applications warning": len(yellow)}


def flag_late_deliveries(*, now: datetime) -> dict[str, int]:
    """送达 (art. 44): decided but not delivered within 10 working days of the decision."""
    with transaction.atomic():
        late = _update_returning(
            Application, set_sql="delivery_flagged_at = %s",
            where_sql="status IN (%s, %s) AND delivery_flagged_at IS NULL AND delivery_due_at <= %s",
            params=[now, Status.APPROVED, Status.DENIED, now],
            returning="id, id, department_id, NULL, delivery_due_at")
        _raise_alerts(late, kind=AlertKind.DELIVERY, level=AlertLevel.OVERDUE, now=now)
    return {"deliveries overdue": len(late)}


def flag_rectifications(*, now: datetime) -> dict[str, int]:
    """整改: a bad rating's rectification due soon (yellow) or late (red)."""
    def flag(level: str, where_sql: str, params: list) -> int:
        rows = _update_returning(Rectification, set_sql="flag = %s", where_sql=f"status = %s AND {where_sql}",
                                 params=[level, Rectification.Status.OPEN, *params],
                                 returning="id, department_id, due_at")
        applications = dict(Rectification.objects.filter(pk__in=[r[0] for r in rows])
                            .values_list("pk", "rating__application_id"))
        _raise_alerts([(pk, applications[pk], dept, None, due) for pk, dept, due in rows],
                      kind=AlertKind.RECTIFICATION, level=level, now=now)
        return len(rows)

    with transaction.atomic():
        red = flag(AlertLevel.OVERDUE, "flag IN (%s, %s) AND due_at <= %s", [Flag.NORMAL, Flag.WARNING, now])
        yellow = flag(AlertLevel.WARNING, "flag = %s AND warning_at <= %s", [Flag.NORMAL, now])
    return {"rectifications overdue": red, "rectifications warning": yellow}


def deem_acceptance(*, now: datetime) -> list[str]:
    """逾期视为受理: each application nobody decided on within 5 working days is accepted as of receipt."""
    accepted = []
    today = local_date(now)
    for pk in application_selectors.awaiting_deemed_acceptance(today).values_list("pk", flat=True):
        try:
            accepted.append(application_services.deem_accept_application(application_id=pk, now=now)
                            .tracking_number)
        except TransitionNotAllowed:
            continue  # a clerk decided a moment ago, or another run got there first
    return accepted


def remind_corrections(*, now: datetime) -> int:
    """Remind, once, applicants whose corrections have not arrived."""
    waiting = f"SELECT id FROM {Application._meta.db_table} WHERE status = %s"  # noqa: S608  a table name
    with transaction.atomic():
        rows = _update_returning(
            CorrectionNotice, set_sql="reminded_at = %s",
            where_sql=f"answered_at IS NULL AND reminded_at IS NULL AND remind_at <= %s AND application_id IN "
                      f"({waiting})",
            params=[now, now, Status.CORRECTION_REQUESTED], returning="id, application_id")
        for application in Application.objects.filter(pk__in=[app for _pk, app in rows]).select_related(
                "item_version", "applicant"):
            remind_applicant(application)
    return len(rows)


def run_supervision(*, now: datetime) -> Report:
    """Every job once, as of `now`."""
    report = Report()
    report.deemed_accepted = deem_acceptance(now=now)
    for job in (flag_steps, flag_applications, flag_late_deliveries, flag_rectifications):
        report.flagged.update(job(now=now))
    report.reminded = remind_corrections(now=now)
    report.notified = notify_new_alerts()
    return report
