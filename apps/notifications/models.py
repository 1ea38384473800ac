"""One message to one recipient on one channel; the row is the outbox a Celery task sends from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notification status", "Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="notifications")
    address = models.CharField(pgettext_lazy("notification", "address"), max_length=200, blank=True,
                               help_text=_("E-mail address or phone number, when the channel needs one."))
    channel = models.CharField(pgettext_lazy("notification", "channel"), max_length=16, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(pgettext_lazy("notification", "message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    # The same event never notifies the same recipient on the same channel twice.
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "channel"], name="notification_sent_once"),
            models.CheckConstraint(condition=Q(recipient__isnull=False) | ~Q(address=""),
                                   name="notification_has_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"]),
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="notification_pending_idx"),
        ]

    def __str__(self):
        return f"{self.channel}: {self.subject}"
