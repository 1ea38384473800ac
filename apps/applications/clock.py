"""The working-day clock of an application and its steps.

Every due date is derived from stored facts (clock start, limit, extension, days
paused), never shifted in place, so it can be recomputed at any time: after a
resume, an extension, or when the calendar of a provisional year is entered.
"""

from datetime import date, datetime

from django.utils import timezone

from apps.workdays.calendar import add_workdays, is_provisional, is_workday, workdays_between

# 逾期视为受理: no decision within this many working days of receipt means accepted.
INTAKE_WORKDAYS = 5


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def receipt_date(moment: datetime) -> date:
    """收件日: materials that arrive on a rest day count as received on the next working day."""
    day = local_date(moment)
    return day if is_workday(day) else add_workdays(day, 1)


def intake_due(received_on: date) -> date:
    """The last day to accept, refuse or ask for corrections."""
    return add_workdays(received_on, INTAKE_WORKDAYS)


def set_application_due_dates(application) -> None:
    version = application.item_version
    extra = application.extension_days + application.paused_workdays
    application.due_date = add_workdays(application.accepted_on, version.promised_limit_days + extra)
    application.legal_due_date = add_workdays(application.accepted_on, version.legal_limit_days + extra)


def set_step_due_date(step) -> None:
    step.due_date = add_workdays(step.started_on, step.allotted_days + step.paused_workdays)


def paused_workdays(started_at: datetime, ended_at: datetime) -> int:
    """Working days not counted for a pause: those after the day it started, up to the day it ended."""
    return workdays_between(local_date(started_at), local_date(ended_at))


def provisional(day: date | None) -> bool:
    return day is not None and is_provisional(day)
