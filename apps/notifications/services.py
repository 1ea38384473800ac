"""Queueing notifications: rows written in the caller's transaction, sent by Celery after it commits.

A state change and the notifications it causes commit together; sending happens
outside the request. If the broker cannot be reached, the rows stay pending and
`resend_pending` sends them later: a failed send never loses the state change.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core.broker import quick_connection

from .models import Channel, Notification

logger = logging.getLogger(__name__)


def _queue(rows: list[Notification]) -> None:
    # A repeated event (a job run twice) hits the unique (dedupe_key, channel) and adds nothing.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(Notification.objects.filter(dedupe_key__in={row.dedupe_key for row in rows},
                                           status=Notification.Status.PENDING).values_list("pk", flat=True))
    transaction.on_commit(lambda: dispatch(ids))


def dispatch(ids) -> None:
    """Hand the rows to the broker in one short try (this runs in web requests); what fails stays pending."""
    from .tasks import send_notification
    if not ids:
        return
    try:
        with quick_connection(send_notification.app) as connection:
            for pk in ids:
                send_notification.apply_async((pk,), connection=connection, retry=False)
    except Exception:  # the broker is down: resend_pending picks the rows up later
        logger.warning("could not queue notifications %s; they stay pending", ids, exc_info=True)


def notify(*, users=(), phones=(), topic: str, subject: str, body: str, dedupe_key: str, link: str = "",
           sms: bool = False) -> None:
    """Tell `users` in the app (and by e-mail where they have one, by SMS too if `sms`), and bare `phones` by SMS.

    Call inside the transaction of the change being told: the rows commit with it.
    """
    rows = []
    common = {"topic": topic, "subject": subject[:200], "body": body, "link": link}
    for user in {u.pk: u for u in users if u is not None}.values():
        key = f"{dedupe_key}:u{user.pk}"
        rows.append(Notification(recipient=user, channel=Channel.IN_APP, dedupe_key=key, **common))
        if user.email:
            rows.append(Notification(recipient=user, channel=Channel.EMAIL, address=user.email, dedupe_key=key,
                                     **common))
        if sms and user.phone:
            rows.append(Notification(recipient=user, channel=Channel.SMS, address=user.phone, dedupe_key=key,
                                     **common))
    for phone in set(filter(None, phones)):
        rows.append(Notification(channel=Channel.SMS, address=phone, dedupe_key=f"{dedupe_key}:p{phone}", **common))
    if rows:
        _queue(rows)


def resend_pending(*, older_than: timedelta | None = None) -> int:
    """Queue again what is still pending after a while (the broker was down, a worker died)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER_SECONDS)
    ids = list(Notification.objects.filter(status=Notification.Status.PENDING,
                                           created_at__lt=timezone.now() - older_than)
               .values_list("pk", flat=True)[:1000])
    dispatch(ids)
    return len(ids)


def mark_read(*, notification: Notification, now) -> Notification:
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification
