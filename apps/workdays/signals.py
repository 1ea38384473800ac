"""`calendar_changed`, and when this app sends it.

Sent once a transaction that changed the calendar commits, with `years`: the
sorted years whose days or `entered` flag changed. A listener (the applications
app) recomputes the deadlines that depend on those years; by then this process
has dropped its loaded calendar, so the listener counts with the new one.
Several changes in one transaction (an admin saving a year with its days) make
one signal.
"""

import logging
import threading
import weakref
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .calendar import clear_cache
from .models import CalendarDay, CalendarYear

logger = logging.getLogger(__name__)

calendar_changed = Signal()


class _Batch:
    """The years changed by the current transaction, sent when it commits."""

    def __init__(self):
        self.years: set[int] = set()
        self.sent = False

    def send(self):
        self.sent = True
        clear_cache()
        # The change is committed: a failing listener must not turn the save into an error
        # nor keep the others from hearing of it.
        for listener, result in calendar_changed.send_robust(sender=CalendarYear, years=sorted(self.years)):
            if isinstance(result, Exception):
                logger.error("calendar_changed listener %r failed", listener, exc_info=result)


# The batch of the transaction under way in this thread. Only the on_commit hook holds
# it strongly, so a rollback, which drops the hook, drops the batch with it. (A change
# undone by a rolled-back savepoint inside a batch's transaction is still announced:
# a listener then recomputes for nothing, which is harmless.)
_current = threading.local()


def announce_change(years: Iterable[int]) -> None:
    """Reload the calendar and send `calendar_changed` for `years` when the transaction commits."""
    years = set(years)
    if not years:
        return
    ref = getattr(_current, "batch", None)
    batch = ref() if ref else None
    if batch is None or batch.sent:
        batch = _Batch()
        batch.years |= years
        _current.batch = weakref.ref(batch)
        transaction.on_commit(batch.send)  # runs at once outside a transaction
    else:
        batch.years |= years


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _day_changed(sender, instance, **kwargs):
    announce_change([instance.calendar_year_id])


@receiver(post_save, sender=CalendarYear)
def _year_saved(sender, instance, **kwargs):
    if instance.entered != instance.entered_in_db:
        announce_change([instance.year])
    else:
        transaction.on_commit(clear_cache)  # nothing to recompute, but the version changed
    instance.entered_in_db = instance.entered


@receiver(post_delete, sender=CalendarYear)
def _year_deleted(sender, instance, **kwargs):
    if instance.entered_in_db:
        announce_change([instance.year])
    else:
        transaction.on_commit(clear_cache)
