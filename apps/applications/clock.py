"""The working-day clock of an application and its steps.

Every due date is derived from stored facts (clock start, limit, extension, days
paused), never shifted in place, so it can be recomputed at any time: after a
resume, an extension, or when the calendar of a provisional year is entered.

Alongside each due date the clock keeps two moments for supervision (电子监察):
`warning_at`, when the remaining time falls under the item's threshold (yellow),
and `due_at`, the first moment past the due date (red). The sweep compares them
with "now" in one indexed UPDATE.
"""

import math
from datetime import date, datetime

from apps.workdays.calendar import add_workdays, is_provisional, is_workday, workdays_between
from apps.workdays.days import end_of, local_date, start_of

from . import law
from .models import Flag


def receipt_date(moment: datetime) -> date:
    """收件日: materials that arrive on a rest day count as received on the next working day."""
    day = local_date(moment)
    return day if is_workday(day) else add_workdays(day, 1)


def intake_due(received_on: date) -> date:
    """The last day to accept, refuse or ask for corrections."""
    return add_workdays(received_on, law.INTAKE_WORKDAYS)


def delivery_due_at(decided_at: datetime) -> datetime:
    return end_of(add_workdays(local_date(decided_at), law.DELIVERY_WORKDAYS))


def warning_index(allotted: int, *, days_left: int, percent_used: int) -> int:
    """The working day (1..allotted) from whose start the period counts as nearly used up.

    Yellow when at most `days_left` working days remain or `percent_used`% of the allotted
    days are used, whichever comes first.
    """
    by_days_left = allotted - days_left + 1
    by_percent = math.ceil(allotted * percent_used / 100) + 1
    return max(1, min(allotted, by_days_left, by_percent))


def _deadline(start: date, allotted: int, paused: int, version) -> tuple[date, datetime | None, datetime]:
    due = add_workdays(start, allotted + paused)
    if allotted == 0:
        return due, None, end_of(due)
    index = warning_index(allotted, days_left=version.warning_workdays_left,
                          percent_used=version.warning_percent_used)
    # Paused days are taken as lying before the warning: the warning moves with the pause.
    return due, start_of(add_workdays(start, index + paused)), end_of(due)


def set_application_due_dates(application) -> None:
    version = application.item_version
    extra = application.extension_days + application.paused_workdays
    application.due_date, application.warning_at, application.due_at = _deadline(
        application.accepted_on, version.promised_limit_days + application.extension_days,
        application.paused_workdays, version)
    application.legal_due_date = add_workdays(application.accepted_on, version.legal_limit_days + extra)


def set_step_due_date(step, version) -> None:
    step.due_date, step.warning_at, step.due_at = _deadline(step.started_on, step.allotted_days,
                                                            step.paused_workdays, version)


def flag_at(moment: datetime, warning_at: datetime | None, due_at: datetime | None) -> str:
    """What the flag should be at `moment` (re-evaluated on resume and extension)."""
    if due_at is not None and moment >= due_at:
        return Flag.OVERDUE
    if warning_at is not None and moment >= warning_at:
        return Flag.WARNING
    return Flag.NORMAL


def reflag(row, moment: datetime) -> None:
    """Set the flag of an application or step whose deadlines were just (re)computed, as of `moment`.

    A row can start yellow or red (deemed accepted as of an earlier receipt, resumed or extended past its new
    deadline). `flagged_at` is cleared: the supervision sweep raises such a flag with its alert, as it raises the
    ones it sets itself, so nobody misses a red flag that no sweep turned red.
    """
    row.flag = flag_at(moment, row.warning_at, row.due_at)
    row.flagged_at = None


def paused_workdays(started_at: datetime, ended_at: datetime) -> int:
    """Working days not counted for a pause: those after the day it started, up to the day it ended."""
    return workdays_between(local_date(started_at), local_date(ended_at))


def provisional(day: date | None) -> bool:
    return day is not None and is_provisional(day)
