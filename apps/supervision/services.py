"""电子监察: the supervision jobs.

The deadline flags are set-based (sweep.py); the people to tell are notified by a
separate pass over unnotified alerts (notify.py), so a sweep stays short even when it
flags thousands of rows. Every job is idempotent: run twice, at once or after a crash
half-way, it finishes the work and duplicates nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.applications import selectors as application_selectors
from apps.applications import services as application_services
from apps.applications.clock import local_date
from apps.applications.messages import remind_applicant
from apps.applications.models import Application, CorrectionNotice, Status
from apps.applications.states import TransitionNotAllowed

from . import sweep
from .models import AlertLevel
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


def flag_steps(*, now: datetime) -> dict[str, int]:
    """审批环节: red once past the due moment, yellow once past the warning moment; never while paused."""
    counts = sweep.flag_target(sweep.STEPS, now=now)
    return {"steps overdue": counts[AlertLevel.OVERDUE], "steps warning": counts[AlertLevel.WARNING]}


def flag_applications(*, now: datetime) -> dict[str, int]:
    """承诺时限 of the whole application, the same way."""
    counts = sweep.flag_target(sweep.APPLICATIONS, now=now)
    return {"applications overdue": counts[AlertLevel.OVERDUE], "applications warning": counts[AlertLevel.WARNING]}


def flag_late_deliveries(*, now: datetime) -> dict[str, int]:
    """送达 (art. 44): decided but not delivered within 10 working days of the decision."""
    return {"deliveries overdue": sweep.flag_late_deliveries(now=now)}


def flag_rectifications(*, now: datetime) -> dict[str, int]:
    """整改: a bad rating's rectification due soon (yellow) or late (red)."""
    counts = sweep.flag_target(sweep.RECTIFICATIONS, now=now)
    return {"rectifications overdue": counts[AlertLevel.OVERDUE],
            "rectifications warning": counts[AlertLevel.WARNING]}


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
    with transaction.atomic():
        due = (CorrectionNotice.objects.filter(answered_at__isnull=True, reminded_at__isnull=True, remind_at__lte=now,
                                               application__status=Status.CORRECTION_REQUESTED)
               .select_for_update(skip_locked=True, of=("self",)))
        ids = list(due.values_list("pk", flat=True))
        CorrectionNotice.objects.filter(pk__in=ids).update(reminded_at=now)
        for application in Application.objects.filter(correction_notices__pk__in=ids).select_related(
                "item_version", "applicant").distinct():
            remind_applicant(application)
    return len(ids)


def run_supervision(*, now: datetime) -> Report:
    """Every job once, as of `now`."""
    report = Report()
    report.deemed_accepted = deem_acceptance(now=now)
    for job in (flag_steps, flag_applications, flag_late_deliveries, flag_rectifications):
        report.flagged.update(job(now=now))
    report.reminded = remind_corrections(now=now)
    report.notified = notify_new_alerts()
    return report
