"""What the figures need beyond the other apps' tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayNumber(models.Model):
    """The working days counted from the calendar's first day up to and including `day`.

    A mirror of `apps.workdays.calendar` for SQL: the working days between two dates
    are the difference of their numbers, so approval times in working days are one
    join and one GROUP BY over millions of rows instead of a Python loop. Rebuilt
    from the calendar after every migration and whenever the calendar changes.
    """

    day = models.DateField(primary_key=True)
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]


class AuditCheck(models.Model):
    """One run of the audit-chain check over the whole database, started by a manager."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("started at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("applications to check"), default=0)
    checked = models.PositiveIntegerField(_("applications checked"), default=0)
    # The first broken link of each broken chain: [{application_id, tracking_number, seq, problem}].
    broken = models.JSONField(_("broken chains"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit check")
        verbose_name_plural = _("audit checks")
        constraints = [
            models.CheckConstraint(condition=models.Q(checked__lte=models.F("total")), name="audit_check_progress"),
        ]
