"""Entering a year in the calendar recomputes every provisional deadline by itself."""

from datetime import date

from django.dispatch import receiver

from apps.workdays.signals import calendar_changed

from .services import refresh_deadlines


@receiver(calendar_changed, dispatch_uid="applications.refresh_deadlines")
def recompute_deadlines(sender, years, **kwargs):
    if years:
        refresh_deadlines(since=date(min(years), 1, 1))
