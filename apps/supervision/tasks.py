"""Celery entry points for the supervision jobs: each calls one service as of now.

Tasks acknowledge late (settings): a worker killed half-way leaves the message on the
broker and the next run finishes the work; the jobs themselves duplicate nothing.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
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


logger = logging.getLogger(__name__)


@worker_ready.connect
def catch_up_on_start(sender, **kwargs):
    """A worker that starts (after a deploy or an outage) sweeps at once rather than at beat's next tick."""
    if not settings.SUPERVISION_SWEEP_ON_START:
        return
    try:
        sweep_deadlines.delay()
    except Exception:  # the broker went away again: beat's next tick will do it
        logger.warning("could not queue the start-up sweep", exc_info=True)
