"""电子监察: the supervision jobs.

The deadline flags are set-based (sweep.py); the people to tell are notified by a
separate pass over unnotified alerts (notify.py), so a sweep stays short even when it
flags thousands of rows. Every job is idempotent: run twice, at once or after a crash
half-way, it finishes the work and duplicates nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.applications import selectors as application_selectors
from apps.applications import services as application_services
from apps.core.errors import Conflict
from apps.workdays.days import local_date

from . import sweep
from .models import Alert, AlertLevel
from .notify import notify_new_alerts

# The counts of `Report.flagged`, by name.
STEPS_OVERDUE = "steps overdue"
STEPS_WARNING = "steps warning"
APPLICATIONS_OVERDUE = "applications overdue"
APPLICATIONS_WARNING = "applications warning"
DELIVERIES_OVERDUE = "deliveries overdue"
RECTIFICATIONS_OVERDUE = "rectifications overdue"
RECTIFICATIONS_WARNING = "rectifications warning"
# The other figures of a report, as the Celery tasks return them.
DEEMED_ACCEPTED = "deemed accepted"
REMINDED = "reminded"
NOTIFIED = "notified"

# What the operator reads for each count of `Report.flagged`.
FLAGGED_LABELS = {
    STEPS_OVERDUE: gettext_lazy("steps overdue"),
    STEPS_WARNING: gettext_lazy("steps warning"),
    APPLICATIONS_OVERDUE: gettext_lazy("applications overdue"),
    APPLICATIONS_WARNING: gettext_lazy("applications warning"),
    DELIVERIES_OVERDUE: gettext_lazy("deliveries overdue"),
    RECTIFICATIONS_OVERDUE: gettext_lazy("rectifications overdue"),
    RECTIFICATIONS_WARNING: gettext_lazy("rectifications warning"),
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
        out = [_("flagged %(what)s: %(count)s") % {"what": FLAGGED_LABELS[name], "count": count}
               for name, count in self.flagged.items()]
        deemed = {"count": len(self.deemed_accepted), "numbers": ", ".join(self.deemed_accepted)}
        out.append(_("deemed accepted: %(count)s (%(numbers)s)") % deemed if self.deemed_accepted
                   else _("deemed accepted: %(count)s") % deemed)
        out.append(_("correction reminders: %(count)s") % {"count": self.reminded})
        out.append(_("notifications queued for alerts: %(count)s") % {"count": self.notified})
        return out

    def as_dict(self) -> dict:
        """What a Celery task returns (JSON)."""
        return {**self.flagged, DEEMED_ACCEPTED: self.deemed_accepted, REMINDED: self.reminded,
                NOTIFIED: self.notified}


def flag_steps(*, now: datetime) -> dict[str, int]:
    """审批环节: red once past the due moment, yellow once past the warning moment; never while paused."""
    counts = sweep.flag_target(sweep.STEPS, now=now)
    return {STEPS_OVERDUE: counts[AlertLevel.OVERDUE], STEPS_WARNING: counts[AlertLevel.WARNING]}


def flag_applications(*, now: datetime) -> dict[str, int]:
    """承诺时限 of the whole application, the same way."""
    counts = sweep.flag_target(sweep.APPLICATIONS, now=now)
    return {APPLICATIONS_OVERDUE: counts[AlertLevel.OVERDUE], APPLICATIONS_WARNING: counts[AlertLevel.WARNING]}


def flag_late_deliveries(*, now: datetime) -> dict[str, int]:
    """送达 (art. 44): decided but not delivered within the legal number of working days of the decision."""
    return {DELIVERIES_OVERDUE: sweep.flag_late_deliveries(now=now)}


def flag_rectifications(*, now: datetime) -> dict[str, int]:
    """整改: a bad rating's rectification due soon (yellow) or late (red)."""
    counts = sweep.flag_target(sweep.RECTIFICATIONS, now=now)
    return {RECTIFICATIONS_OVERDUE: counts[AlertLevel.OVERDUE], RECTIFICATIONS_WARNING: counts[AlertLevel.WARNING]}


def deem_acceptance(*, now: datetime) -> list[str]:
    """逾期视为受理: each application nobody decided on within the intake period is accepted as of receipt."""
    accepted = []
    for pk in application_selectors.awaiting_deemed_acceptance(local_date(now)).values_list("pk", flat=True):
        try:
            accepted.append(application_services.deem_accept_application(application_id=pk, now=now)
                            .tracking_number)
        except Conflict:
            continue  # a clerk decided a moment ago, or another run got there first
    return accepted


def remind_corrections(*, now: datetime) -> int:
    """Remind, once, applicants whose corrections have not arrived."""
    return application_services.remind_corrections(now=now)


# A job adds what it did to the report.
Job = Callable[[Report, datetime], None]


def _flagging(flag: Callable) -> Job:
    return lambda report, now: report.flagged.update(flag(now=now))


def _deeming(report: Report, now: datetime) -> None:
    report.deemed_accepted = deem_acceptance(now=now)


def _reminding(report: Report, now: datetime) -> None:
    report.reminded = remind_corrections(now=now)


# The jobs of each Celery task; `run_supervision` runs them all, in this order.
INTAKE_JOBS = (_deeming,)
DEADLINE_JOBS = (_flagging(flag_steps), _flagging(flag_applications))
DELIVERY_JOBS = (_flagging(flag_late_deliveries),)
FOLLOW_UP_JOBS = (_reminding, _flagging(flag_rectifications))
ALL_JOBS = INTAKE_JOBS + DEADLINE_JOBS + DELIVERY_JOBS + FOLLOW_UP_JOBS


def run_jobs(jobs, *, now: datetime) -> Report:
    """Run `jobs` as of `now`, then queue the notifications of the alerts they raised."""
    report = Report()
    for job in jobs:
        job(report, now)
    report.notified = notify_new_alerts()
    return report


def acknowledge_alert(*, alert_id: int, actor, now: datetime) -> None:
    """Someone took note of the alert; a second acknowledgement changes nothing."""
    with transaction.atomic():
        Alert.objects.filter(pk=alert_id, acknowledged_at__isnull=True).update(acknowledged_at=now,
                                                                              acknowledged_by=actor)


def run_supervision(*, now: datetime) -> Report:
    """Every job once, as of `now`."""
    return run_jobs(ALL_JOBS, now=now)
