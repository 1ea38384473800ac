"""Celery entry points for the supervision jobs: each calls one service as of now.

Tasks acknowledge late (settings): a worker killed half-way leaves the message on the
broker and the next run finishes the work; the jobs themselves duplicate nothing.
"""

from celery import shared_task
from django.utils import timezone

from . import services
from .notify import notify_new_alerts


@shared_task(acks_late=True)
def sweep_deadlines() -> dict:
    now = timezone.now()
    counts = {**services.flag_steps(now=now), **services.flag_applications(now=now)}
    counts["notified"] = notify_new_alerts()
    return counts


@shared_task(acks_late=True)
def deem_acceptance() -> list[str]:
    return services.deem_acceptance(now=timezone.now())


@shared_task(acks_late=True)
def flag_late_deliveries() -> dict:
    counts = services.flag_late_deliveries(now=timezone.now())
    counts["notified"] = notify_new_alerts()
    return counts


@shared_task(acks_late=True)
def remind_and_follow_up() -> dict:
    now = timezone.now()
    counts = {"reminded": services.remind_corrections(now=now), **services.flag_rectifications(now=now)}
    counts["notified"] = notify_new_alerts()
    return counts
