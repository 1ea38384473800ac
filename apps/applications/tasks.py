"""Celery entry points of the applications app: each calls one service."""

from datetime import date

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def refresh_deadlines(since: str) -> int:
    """Recompute the open deadlines from `since` (ISO date) after the calendar of those years changed."""
    return services.refresh_deadlines(since=date.fromisoformat(since))
