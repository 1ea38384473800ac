"""Entering a year in the calendar recomputes every provisional deadline by itself."""

import logging
from datetime import date

from django.dispatch import receiver

from apps.core.broker import send_quickly
from apps.workdays.signals import calendar_changed

from . import services, tasks

logger = logging.getLogger(__name__)


@receiver(calendar_changed, dispatch_uid="applications.refresh_deadlines")
def recompute_deadlines(sender, years, **kwargs):
    """In a Celery task, so the administrator's save does not wait for thousands of applications."""
    if not years:
        return
    since = date(min(years), 1, 1)
    try:
        send_quickly(tasks.refresh_deadlines, since.isoformat())
    except Exception:  # no broker reachable: do it here rather than leave the deadlines stale
        logger.warning("could not queue refresh_deadlines; recomputing in the request", exc_info=True)
        services.refresh_deadlines(since=since)
