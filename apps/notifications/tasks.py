"""Celery entry points: send one notification (retried with back-off), resend what is pending."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import channels, services
from .models import Notification

MAX_ATTEMPTS = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS)
def send_notification(self, notification_id: int) -> str:
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(skip_locked=True)
                        .filter(pk=notification_id, status=Notification.Status.PENDING).first())
        if notification is None:
            return "nothing to send"  # sent already, or another worker has it
        notification.attempts += 1
        try:
            channels.deliver(notification)
        except Exception as exc:
            notification.last_error = str(exc)[:300]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
        else:
            notification.status, notification.sent_at = Notification.Status.SENT, timezone.now()
            notification.save(update_fields=["status", "sent_at", "attempts"])
    if notification.status == Notification.Status.PENDING:
        raise self.retry(countdown=min(30 * 2 ** notification.attempts, 3600))
    return notification.status


@shared_task(acks_late=True)
def resend_pending() -> int:
    return services.resend_pending()
