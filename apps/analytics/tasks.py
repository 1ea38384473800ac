"""Celery entry points of the analytics app: each calls one service."""

from celery import shared_task
from django.utils import timezone

from . import rollup, services


@shared_task(acks_late=True)
def run_audit_check_task(check_id: int) -> int:
    """Returns the number of broken chains found."""
    return len(services.run_audit_check(check_id=check_id).broken)


@shared_task(acks_late=True)
def refresh_rollup_task() -> dict:
    """Roll up the days not rolled up yet and those the changed applications count on; returns what it did."""
    report = rollup.refresh_rollup(now=timezone.now())
    return {"ranges": len(report.days), "rows": report.rows, "changes": report.changes,
            "rolled_through": str(report.rolled_through)}
