"""A calendar day in the district's time zone (Asia/Shanghai), and the moments it starts and ends.

Time limits count whole local days; these turn a moment into its day and a day back into moments.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def start_of(day: date) -> datetime:
    """00:00 of `day` in the project's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def end_of(day: date) -> datetime:
    """The first moment after `day`: a limit ending on `day` is overdue from here."""
    return start_of(day + timedelta(days=1))
