"""Celery entry points of the applications app: each calls one service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import audit, services


@shared_task(acks_late=True)
def refresh_deadlines(since: str) -> int:
    """Recompute the open deadlines from `since` (ISO date) after the calendar of those years changed."""
    return services.refresh_deadlines(since=date.fromisoformat(since))


@shared_task(acks_late=True)
def seal_audit_checkpoint() -> int:
    """Hourly: seal the heads of the audit chains into a signed checkpoint (see audit.py)."""
    return audit.seal_checkpoint(now=timezone.now()).seq
