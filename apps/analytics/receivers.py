"""The working-day numbers follow the calendar: rebuilt after migrations and after every calendar change."""

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from apps.workdays.signals import calendar_changed

from .workday_numbers import rebuild_workday_numbers


@receiver(post_migrate)
def _after_migrate(sender, **kwargs):
    if sender.name == "apps.analytics":
        rebuild_workday_numbers()


@receiver(calendar_changed)
def _after_calendar_change(sender, years, **kwargs):
    rebuild_workday_numbers()
