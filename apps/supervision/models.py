"""Alerts (预警/超时): one row per flag raised, acknowledged by staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.applications.models import Application, Step
from apps.catalog.models import Department


class AlertKind(models.TextChoices):
    STEP = "step", _("Approval step deadline")
    APPLICATION = "application", _("Promised time limit")
    DELIVERY = "delivery", _("Delivery deadline (10 working days)")
    RECTIFICATION = "rectification", _("Rectification of a bad rating")


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("Warning (yellow)")
    OVERDUE = "overdue", _("Overdue (red)")


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=AlertLevel.choices)
    # "step:12", "application:34", "delivery:34", "rectification:5": what the flag is on.
    subject = models.CharField(max_length=40)
    # The deadline the flag is about: a new deadline (after a pause or an extension) may raise a new flag.
    due_at = models.DateTimeField(_("deadline"))
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="alerts")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="alerts")
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    notified_at = models.DateTimeField(_("people told at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # Each flag is raised once: the guarantee is here, not in Python.
            models.UniqueConstraint(fields=["subject", "level", "due_at"], name="alert_raised_once"),
            models.CheckConstraint(condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                                   name="acknowledged_alert_has_who"),
        ]
        indexes = [
            models.Index(fields=["department", "level", "acknowledged_at"]),
            models.Index(fields=["raised_at"], condition=Q(notified_at__isnull=True), name="alert_to_notify_idx"),
        ]

    def __str__(self):
        return f"{self.level} {self.subject}"
