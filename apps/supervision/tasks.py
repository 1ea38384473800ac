"""Celery entry points for the supervision jobs: each runs its jobs as of now and returns the report.

Tasks acknowledge late (settings): a worker killed half-way leaves the message on the
broker and the next run finishes the work; the jobs themselves duplicate nothing.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from . import services


def _run(jobs) -> dict:
    return services.run_jobs(jobs, now=timezone.now()).as_dict()


@shared_task(acks_late=True)
def sweep_deadlines() -> dict:
    return _run(services.DEADLINE_JOBS)


@shared_task(acks_late=True)
def deem_acceptance() -> dict:
    return _run(services.INTAKE_JOBS)


@shared_task(acks_late=True)
def flag_late_deliveries() -> dict:
    return _run(services.DELIVERY_JOBS)


@shared_task(acks_late=True)
def remind_and_follow_up() -> dict:
    return _run(services.FOLLOW_UP_JOBS)


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
