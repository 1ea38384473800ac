"""Celery entry points of the analytics app: each calls one service."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def run_audit_check_task(check_id: int) -> int:
    """Returns the number of broken chains found."""
    return len(services.run_audit_check(check_id=check_id).broken)
