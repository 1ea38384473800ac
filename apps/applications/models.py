"""Applications (办件) and everything that happens to them.

Models hold data and the invariants the database can keep; the workflow lives in
`states.py` (what may happen) and `services.py` (making it happen). Nothing but
the services sets an application's status.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.identity import mask_id_number, validate_id_number, validate_uscc
from apps.catalog.models import Department, Hall, HandlerRole, ItemVersion, ServiceItem, VersionMaterial, Window


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    ACCEPTED = "accepted", _("Accepted")
    APPROVED = "approved", pgettext_lazy("application status", "Approved")
    DENIED = "denied", pgettext_lazy("application status", "Denied")
    REJECTED = "rejected", _("Not accepted")
    DELIVERED = "delivered", _("Delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Flag(models.TextChoices):
    """电子监察: green, yellow card, red card."""

    NORMAL = "normal", _("Normal")
    WARNING = "warning", _("Warning")
    OVERDUE = "overdue", _("Overdue")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a window")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Collect at a window")
    MAIL = "mail", _("By mail")
    ELECTRONIC = "electronic", _("Electronic")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTERPRISE = "enterprise", _("Enterprise or organisation")


class Application(models.Model):
    """办件. Its applicant is a person (自然人: name and resident ID number) or an enterprise or organisation
    (法人: its name and unified social credit code) with the person acting for it (经办人)."""

    tracking_number = models.CharField(_("tracking number"), max_length=40, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=12)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant account"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="applications")
    applicant_name = models.CharField(_("applicant name"), max_length=100)
    applicant_id_number = models.CharField(_("applicant ID number"), max_length=18, blank=True,
                                           validators=[validate_id_number],
                                           help_text=_("A person's resident ID number; empty for an enterprise."))
    applicant_credit_code = models.CharField(_("applicant's unified social credit code"), max_length=18, blank=True,
                                             validators=[validate_uscc],
                                             help_text=_("An enterprise's code; `applicant_name` is its name."))
    agent_name = models.CharField(_("acting person"), max_length=100, blank=True,
                                  help_text=_("Enterprises: the person who acts for it (经办人)."))
    agent_id_number = models.CharField(_("acting person's ID number"), max_length=18, blank=True,
                                       validators=[validate_id_number])
    applicant_phone = models.CharField(_("applicant phone"), max_length=20)
    item_version = models.ForeignKey(ItemVersion, verbose_name=_("service item version"), on_delete=models.PROTECT,
                                     related_name="applications")
    # Copied from the version so that scoping and filters need no join.
    service_item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT,
                                     related_name="applications")
    department = models.ForeignKey(Department, verbose_name=_("responsible department"), on_delete=models.PROTECT,
                                   related_name="applications")
    channel = models.CharField(pgettext_lazy("application", "channel"), max_length=16, choices=Channel.choices)
    hall = models.ForeignKey(Hall, verbose_name=_("receiving hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="applications")
    window = models.ForeignKey(Window, verbose_name=_("receiving window"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="applications")
    delivery_method = models.CharField(_("delivery method"), max_length=16, choices=DeliveryMethod.choices)
    delivery_address = models.CharField(_("delivery address"), max_length=200, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken in by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    flag = models.CharField(_("flag"), max_length=16, choices=Flag.choices, default=Flag.NORMAL)
    suspended = models.BooleanField(_("clock paused"), default=False)

    submitted_at = models.DateTimeField(_("submitted at"))
    # 收件日: the working day the materials count as received; the 5-day intake window runs from it.
    received_on = models.DateField(_("received on"))
    intake_due_on = models.DateField(_("decide on intake by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(_("clock start"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    # The clock: due dates are add_workdays(accepted_on, limit + extension + paused), so they can be
    # recomputed whenever the calendar changes.
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    paused_workdays = models.PositiveIntegerField(_("paused working days"), default=0)
    due_date = models.DateField(_("promised due date"), null=True, blank=True)
    legal_due_date = models.DateField(_("legal due date"), null=True, blank=True)
    # Precomputed for the supervision sweep (one indexed UPDATE): yellow from warning_at, red from due_at.
    warning_at = models.DateTimeField(_("warning from"), null=True, blank=True)
    due_at = models.DateTimeField(_("overdue from"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # 送达时限 (art. 44): the result is delivered within 10 working days of the decision.
    delivery_due_at = models.DateTimeField(_("deliver by"), null=True, blank=True)
    delivery_flagged_at = models.DateTimeField(_("delivery flagged late at"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for refusal or denial"), blank=True)
    delivery_reference = models.CharField(_("delivery reference"), max_length=100, blank=True)

    # Head of the audit chain: a deleted last event is detectable too.
    event_count = models.PositiveIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["status", "department"]),
            models.Index(fields=["hall", "status"]),
            # Lists are newest first: a page is read off these in index order, whatever the table's size.
            models.Index(fields=["-submitted_at", "-id"], name="app_newest_idx"),
            models.Index(fields=["department", "status", "-submitted_at", "-id"], name="app_dept_status_newest_idx"),
            models.Index(fields=["applicant", "-submitted_at"]),
            models.Index(fields=["intake_due_on"], condition=Q(status="submitted"), name="awaiting_intake_idx"),
            models.Index(fields=["warning_at"], condition=Q(status="accepted", suspended=False, flag="normal"),
                         name="app_warning_sweep_idx"),
            models.Index(fields=["due_at"], condition=Q(status="accepted", suspended=False,
                                                        flag__in=["normal", "warning"]),
                         name="app_overdue_sweep_idx"),
            models.Index(fields=["delivery_due_at"], condition=Q(status__in=["approved", "denied"],
                                                                 delivery_flagged_at__isnull=True),
                         name="app_delivery_sweep_idx"),
            # The managers' figures: the period filters (submissions use app_newest_idx), the open flags and
            # the results not delivered yet, which are counted as of now (apps.analytics.figures).
            models.Index(fields=["accepted_at"], name="app_accepted_at_idx"),
            models.Index(fields=["decided_at"], name="app_decided_at_idx"),
            models.Index(fields=["flag", "department", "service_item", "hall"],
                         condition=Q(status="accepted", flag__in=["warning", "overdue"]), name="app_open_flagged_idx"),
            models.Index(fields=["decided_at"], condition=Q(delivered_at__isnull=True, delivery_due_at__isnull=False),
                         name="app_undelivered_idx"),
            # Flags a service set (clock.reflag) that the sweep has not raised yet: a handful at any time.
            models.Index(fields=["flag"], condition=Q(status="accepted", flag__in=["warning", "overdue"],
                                                      flagged_at__isnull=True),
                         name="app_unraised_flag_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(due_date__isnull=False, legal_due_date__isnull=False),
                name="accepted_application_has_due_dates"),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "denied"]) | ~Q(decision_reason=""),
                name="refusal_has_reason"),
            models.CheckConstraint(condition=Q(suspended=False) | Q(status="accepted"),
                                   name="only_accepted_can_be_suspended"),
            # A person with an ID number and no agent, or an enterprise with a code and the person acting for it.
            models.CheckConstraint(
                condition=Q(~Q(applicant_id_number=""), applicant_credit_code="", agent_name="", agent_id_number="")
                | Q(~Q(applicant_credit_code=""), ~Q(agent_name=""), applicant_id_number=""),
                name="applicant_is_a_person_or_an_enterprise"),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def applicant_kind(self) -> str:
        return ApplicantKind.ENTERPRISE if self.applicant_credit_code else ApplicantKind.PERSON

    @property
    def is_enterprise(self) -> bool:
        return bool(self.applicant_credit_code)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)

    @property
    def masked_agent_id_number(self) -> str:
        return mask_id_number(self.agent_id_number)


class TrackingCounter(models.Model):
    """The day's serial per prefix, for tracking numbers on SQLite (PostgreSQL uses a sequence: tracking.py)."""

    prefix = models.CharField(max_length=16)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="tracking_counter_unique")]


class StepStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("step status", "Pending")
    ACTIVE = "active", _("In progress")
    APPROVED = "approved", pgettext_lazy("step status", "Approved")
    DENIED = "denied", pgettext_lazy("step status", "Denied")
    CANCELLED = "cancelled", _("Cancelled")


class Step(models.Model):
    """审批环节 of one application, created from its item version's steps at acceptance."""

    # No index of its own: (application, order) below serves lookups by application, and every index
    # is one more write when the sweep flags a step.
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps", db_index=False)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    # Indexed with status below (the inboxes), not on its own.
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="steps", db_index=False)
    role = models.CharField(_("handling role"), max_length=16, choices=HandlerRole.choices,
                            default=HandlerRole.APPROVER)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_steps")
    allotted_days = models.PositiveSmallIntegerField(_("allotted working days"))
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING)
    flag = models.CharField(_("flag"), max_length=16, choices=Flag.choices, default=Flag.NORMAL)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_on = models.DateField(_("clock start"), null=True, blank=True)
    paused_workdays = models.PositiveIntegerField(_("paused working days"), default=0)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Denormalised from the application so the sweep reads one table.
    suspended = models.BooleanField(_("clock paused"), default=False)
    warning_at = models.DateTimeField(_("warning from"), null=True, blank=True)
    due_at = models.DateTimeField(_("overdue from"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    comment = models.TextField(_("opinion"), blank=True)

    class Meta:
        ordering = ["application_id", "order"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(fields=["application", "order"], name="step_order_unique_in_application"),
            models.UniqueConstraint(fields=["application"], condition=Q(status="active"),
                                    name="one_active_step_per_application"),
            models.CheckConstraint(condition=~Q(status="active") | Q(due_date__isnull=False),
                                   name="active_step_has_due_date"),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["warning_at"], condition=Q(status="active", suspended=False, flag="normal"),
                         name="step_warning_sweep_idx"),
            models.Index(fields=["due_at"], condition=Q(status="active", suspended=False,
                                                        flag__in=["normal", "warning"]),
                         name="step_overdue_sweep_idx"),
            # The managers' figures: steps finished in a period, and the steps open now by department and name.
            models.Index(fields=["finished_at"], name="step_finished_at_idx"),
            models.Index(fields=["department", "name", "flag", "application"], condition=Q(status="active"),
                         name="step_open_idx"),
            models.Index(fields=["flag"], condition=Q(status="active", flag__in=["warning", "overdue"],
                                                      flagged_at__isnull=True),
                         name="step_unraised_flag_idx"),
        ]

    def __str__(self):
        return f"{self.application_id}#{self.order} {self.name}"


class UploadedMaterial(models.Model):
    """A file for one required material; stored outside the web root, served after a permission check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(VersionMaterial, verbose_name=_("material"), on_delete=models.PROTECT,
                                 related_name="+")
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["material__order", "uploaded_at"]
        verbose_name = _("uploaded material")
        verbose_name_plural = _("uploaded materials")


class ReceivedMaterial(models.Model):
    """A material handed in on paper at a window (窗口收取纸质材料): what the clerk checked, original or copy."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="received_materials")
    material = models.ForeignKey(VersionMaterial, verbose_name=_("material"), on_delete=models.PROTECT,
                                 related_name="+")
    original = models.BooleanField(_("original (原件)"), default=False)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"),
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["material__order", "material_id"]
        verbose_name = _("material received at a window")
        verbose_name_plural = _("materials received at a window")
        constraints = [
            models.UniqueConstraint(fields=["application", "material"], name="received_material_once"),
            models.CheckConstraint(condition=Q(original=True) | Q(copies__gte=1),
                                   name="received_material_something"),
        ]


class SuspensionKind(models.TextChoices):
    """特别程序 whose time is not counted (art. 45)."""

    HEARING = "hearing", _("Hearing (听证)")
    TESTING = "testing", _("Testing (检验检测)")
    INSPECTION = "inspection", _("On-site inspection (现场勘查)")
    EXPERT_REVIEW = "expert_review", _("Expert review (专家评审)")
    PUBLIC_NOTICE = "public_notice", _("Public notice (公示)")
    CORRECTION = "correction", _("Correction during review (过程补正)")


class Suspension(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="suspensions")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=20, choices=SuspensionKind.choices)
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    paused_workdays = models.PositiveIntegerField(_("paused working days"), null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(ended_at__isnull=True),
                                    name="one_open_suspension_per_application"),
        ]


class Extension(models.Model):
    """延期 (art. 42): needs a manager and a reason, and is told to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("approved at"))

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="extension_days_positive")]
        indexes = [models.Index(fields=["created_at"], name="extension_created_at_idx")]


class VisitPurpose(models.TextChoices):
    SUBMIT = "submit", _("Submit the application")
    CORRECT = "correct", _("Bring corrections")
    COLLECT = "collect", _("Collect the result")
    CONSULT = "consult", _("Consultation")


class Visit(models.Model):
    """跑动: one time the applicant came in person."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visits")
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=16, choices=VisitPurpose.choices)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at"]


class CorrectionNotice(models.Model):
    """一次性告知补正: one notice listing everything to correct (art. 32)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="correction_notices")
    number = models.PositiveSmallIntegerField(_("notice number"))
    items = models.JSONField(_("items to correct"))
    note = models.TextField(_("note"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    # A second notice breaks the one-time-notice rule: allowed only with a reason, and recorded.
    violation_reason = models.TextField(_("why a further notice"), blank=True)
    answered_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    # The applicant is reminded once if the corrections have not arrived by then.
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="notice_number_unique"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(violation_reason=""),
                                   name="further_notice_has_reason"),
        ]
        indexes = [models.Index(fields=["remind_at"], condition=Q(answered_at__isnull=True, reminded_at__isnull=True),
                                name="notice_reminder_idx"),
                   models.Index(fields=["issued_at"], name="notice_issued_at_idx")]

    @property
    def is_violation(self) -> bool:
        return self.number > 1


class Event(models.Model):
    """One action on an application; append-only and chained by hashes (see audit.py)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["application_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["application", "seq"], name="event_seq_unique")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit events are append-only: an event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only: an event is never deleted.")


class AuditCheckpoint(models.Model):
    """A signed seal of the audit chains' heads (审计检查点), written hourly and never changed (see audit.py).

    `heads` holds `{application id: [event count, last hash]}` for the chains that grew since the previous
    checkpoint; together the checkpoints name every sealed application, so a deleted case is noticed.
    """

    seq = models.PositiveIntegerField(unique=True)
    at = models.DateTimeField()
    application_count = models.PositiveIntegerField()
    event_count = models.PositiveBigIntegerField()
    last_event_id = models.PositiveBigIntegerField(help_text="Events up to this id were looked at.")
    heads = models.JSONField(default=dict)
    prev_signature = models.CharField(max_length=64, blank=True)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit checkpoints are append-only: a checkpoint is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit checkpoints are append-only: a checkpoint is never deleted.")

