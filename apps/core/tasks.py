"""Celery entry points of the core: the daily housekeeping."""

from celery import shared_task
from django.utils import timezone

from . import housekeeping


@shared_task(acks_late=True)
def clear_expired() -> dict:
    return housekeeping.clear_expired(now=timezone.now()).as_dict()
