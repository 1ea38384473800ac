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


# The daily rollup: what happened on each day (Asia/Shanghai) to the applications of one department, item and
# receiving hall, added up by a Celery job (apps.analytics.rollup) so that a year of figures reads a few thousand
# rows instead of every application. An application's department is its own (kept from the item version it was
# accepted under), so it is part of the key rather than read from the item.
class DayCounts(models.Model):
    """The counters of one day and place; each counts by its own moment (see the field's comment)."""

    day = models.DateField()
    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+")
    service_item = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    hall = models.ForeignKey("catalog.Hall", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # submitted that day: all, not withdrawn, and those with one, two or more, more than the allowed visits
    submitted = models.PositiveIntegerField(default=0)
    visit_population = models.PositiveIntegerField(default=0)
    visits_one = models.PositiveIntegerField(default=0)
    visits_two_or_more = models.PositiveIntegerField(default=0)
    visits_over_limit = models.PositiveIntegerField(default=0)
    # accepted that day, and of them deemed accepted
    accepted = models.PositiveIntegerField(default=0)
    deemed_accepted = models.PositiveIntegerField(default=0)
    # decided (or refused at intake) that day and delivered after the delivery deadline
    delivered_late = models.PositiveIntegerField(default=0)
    # rated that day: all, in the top three levels, in the bottom two; their rectifications answered on time, late
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    answered_late = models.PositiveIntegerField(default=0)
    # second (or later) correction notices issued that day, extensions approved that day
    second_notices = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"])]


class DayDecisions(models.Model):
    """Approval decisions made on one day for one place, by their length in working days (a histogram bar)."""

    day = models.DateField()
    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+")
    service_item = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    hall = models.ForeignKey("catalog.Hall", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    working_days = models.PositiveIntegerField()
    decided = models.PositiveIntegerField()
    on_time = models.PositiveIntegerField()
    within_legal = models.PositiveIntegerField()
    promised_limit = models.PositiveIntegerField()  # the promised limits of these decisions, added up
    legal_limit = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"])]


class DayStepTimes(models.Model):
    """Approval steps finished on one day, per the application's place and the step's department and name, by
    their length in working days."""

    day = models.DateField()
    department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+")
    service_item = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    hall = models.ForeignKey("catalog.Hall", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    step_department = models.ForeignKey("catalog.Department", on_delete=models.CASCADE, related_name="+")
    step_name = models.CharField(max_length=100)
    working_days = models.PositiveIntegerField()
    finished = models.PositiveIntegerField()
    allotted = models.PositiveIntegerField()  # the allotted working days, added up
    on_time = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"])]


class RollupState(models.Model):
    """One row: the rollup holds every day up to `rolled_through` (none yet: every figure is computed live)."""

    rolled_through = models.DateField(null=True, blank=True)


class RollupChange(models.Model):
    """An application that changed since the rollup job last ran (one row per event): the days it counts on are
    computed live until the job has rolled them up again."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
