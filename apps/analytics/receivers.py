"""The working-day numbers follow the calendar: rebuilt after migrations and after every calendar change. The
daily rollup hears of every event on an application, in the event's transaction."""

from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from apps.applications.models import Event
from apps.workdays.signals import calendar_changed

from .rollup import note_change
from .workday_numbers import rebuild_workday_numbers


@receiver(post_migrate)
def _after_migrate(sender, **kwargs):
    if sender.name == "apps.analytics":
        rebuild_workday_numbers()


@receiver(calendar_changed)
def _after_calendar_change(sender, years, **kwargs):
    rebuild_workday_numbers()


@receiver(post_save, sender=Event, dispatch_uid="analytics.rollup_change")
def _after_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        note_change(instance.application_id)
