"""好差评: one rating per application, and a rectification (整改) for each bad one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.applications.models import Application, Flag
from apps.catalog.models import Department


class Score(models.IntegerChoices):
    """Five levels, GB/T 39046 A.8; the lower two are bad ratings (差评)."""

    VERY_SATISFIED = 5, _("Very satisfied (非常满意)")
    SATISFIED = 4, _("Satisfied (满意)")
    BASICALLY_SATISFIED = 3, _("Basically satisfied (基本满意)")
    DISSATISFIED = 2, _("Dissatisfied (不满意)")
    VERY_DISSATISFIED = 1, _("Very dissatisfied (非常不满意)")


BAD_SCORES = {Score.DISSATISFIED, Score.VERY_DISSATISFIED}


class Rating(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="rating")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    comment = models.TextField(pgettext_lazy("rating", "comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5")]
        indexes = [models.Index(fields=["created_at"], name="rating_created_at_idx")]

    @property
    def is_bad(self) -> bool:
        return self.score in BAD_SCORES


class Rectification(models.Model):
    """整改: the responsible department answers a bad rating by its due date."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        ANSWERED = "answered", pgettext_lazy("rectification status", "Answered")

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="rectifications")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(_("answer by"))
    # For the supervision sweep: yellow on the last day, red after it.
    warning_at = models.DateTimeField(_("warning from"))
    due_at = models.DateTimeField(_("overdue from"))
    flag = models.CharField(_("flag"), max_length=16, choices=Flag.choices, default=Flag.NORMAL)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True, db_index=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    applicant_satisfied = models.BooleanField(_("applicant satisfied with the answer"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("applicant replied at"), null=True, blank=True)

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        indexes = [models.Index(fields=["status", "due_date"]),
                   # The managers' figures count the rectifications still open as of today.
                   models.Index(fields=["due_date"], condition=~Q(status="answered"), name="rectification_open_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(flag__in=Flag.values),
                                   name="rectification_flag_valid"),
            models.CheckConstraint(condition=Q(status="open") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                                   name="answered_rectification_has_answer"),
        ]
