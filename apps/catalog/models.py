"""The service catalogue: departments, halls, windows and service items.

A service item (政务服务事项) is edited in one place (`ServiceItem` with its
`Material` and `StepTemplate` rows). Every save publishes an `ItemVersion`, an
immutable copy that applications point at. A version is *frozen* once an
application uses it; editing the item after that publishes a new version, so an
accepted application keeps the guide, materials, steps and limits it was
accepted under.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Department(models.Model):
    """A responsible department (责任部门), e.g. 市场监督管理局."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Hall(models.Model):
    """A service hall at one of the three levels (三级一体化)."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("District hall")
        STREET = "street", _("Street hall")
        COMMUNITY = "community", _("Community station")

    code = models.CharField(_("code"), max_length=16, unique=True,
                            help_text=_("Short code, also the prefix of tracking numbers."))
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent hall"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    address = models.CharField(pgettext_lazy("service hall", "address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9]+$"), name="hall_code_upper_alnum",
                                   violation_error_message=_("A hall code is made of capital letters and digits.")),
        ]

    def __str__(self):
        return self.name


class Window(models.Model):
    """A counter in a hall: comprehensive (综合窗口, any item) or limited to listed items."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("Comprehensive (any item)")
        DEDICATED = "dedicated", _("Dedicated (listed items only)")

    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("number"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPREHENSIVE)
    items = models.ManyToManyField("ServiceItem", verbose_name=_("items"), blank=True, related_name="windows",
                                   help_text=_("Only for a dedicated window: the items it takes in."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hall__code", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="window_number_unique_in_hall")]

    def __str__(self):
        return f"{self.hall.name} {self.number} {self.name}"

    def handles(self, item) -> bool:
        if not self.active:
            return False
        return self.kind == self.Kind.COMPREHENSIVE or self.items.filter(pk=item.pk).exists()


class ItemType(models.TextChoices):
    """事项类型, GB/T 39046-2020 annex A.1 (the code is in the label)."""

    LICENSING = "licensing", _("Administrative licensing (01 行政许可)")
    PAYMENT = "payment", _("Administrative payment (05 行政给付)")
    CONFIRMATION = "confirmation", _("Administrative confirmation (07 行政确认)")
    AWARD = "award", _("Administrative award (08 行政奖励)")
    RULING = "ruling", _("Administrative ruling (09 行政裁决)")
    OTHER_POWER = "other_power", _("Other administrative power (10 其他)")
    PUBLIC_SERVICE = "public_service", _("Public service (20 公共服务)")


class HandlerRole(models.TextChoices):
    APPROVER = "approver", _("Approver")
    MANAGER = "manager", _("Manager")


class ItemContent(models.Model):
    """Every field of a service guide (服务指南); shared by the item and its versions."""

    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=32, choices=ItemType.choices)
    department = models.ForeignKey(Department, verbose_name=_("responsible department"),
                                   on_delete=models.PROTECT, related_name="+")
    legal_basis = models.TextField(_("legal basis (设定依据)"))
    conditions = models.TextField(_("conditions (申请条件)"))
    process = models.TextField(_("process (基本流程)"))
    fee = models.CharField(_("fee (收费标准)"), max_length=200, default="不收费")
    fee_basis = models.TextField(_("fee basis (收费依据)"), blank=True)
    legal_limit_days = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), validators=[MaxValueValidator(365)])
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), validators=[MaxValueValidator(365)])
    max_visits = models.PositiveSmallIntegerField(_("maximum on-site visits"), validators=[MaxValueValidator(10)])
    visit_reason = models.CharField(_("why a visit is needed"), max_length=200, blank=True,
                                    help_text=_("Required when the item needs at least one visit."))
    online = models.BooleanField(_("can be done online"), default=True)
    instant = models.BooleanField(_("instant item (即办件)"), default=False)
    result_name = models.CharField(_("result (办理结果)"), max_length=200, blank=True)
    consultation_phone = models.CharField(_("consultation phone"), max_length=32, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=32, blank=True)
    faq = models.TextField(_("frequently asked questions"), blank=True)
    warning_workdays_left = models.PositiveSmallIntegerField(
        _("warning when working days left ≤"), default=1)
    warning_percent_used = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warning when % of time used ≥"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        abstract = True

    GUIDE_FIELDS = (
        "name", "item_type", "department_id", "legal_basis", "conditions", "process", "fee", "fee_basis",
        "legal_limit_days", "promised_limit_days", "max_visits", "visit_reason", "online", "instant",
        "result_name", "consultation_phone", "complaint_phone", "faq", "warning_workdays_left",
        "warning_percent_used",
    )

    @classmethod
    def content_constraints(cls, prefix: str):
        return [
            models.CheckConstraint(condition=Q(promised_limit_days__lte=F("legal_limit_days")),
                                   name=f"{prefix}_promised_within_legal"),
            models.CheckConstraint(condition=Q(instant=False) | Q(promised_limit_days=0),
                                   name=f"{prefix}_instant_has_zero_limit"),
            models.CheckConstraint(condition=Q(instant=True) | Q(promised_limit_days__gte=1),
                                   name=f"{prefix}_promised_item_has_limit"),
        ]


class ServiceItem(ItemContent):
    """The editable service item; `current_version` is what the public and new applications see."""

    code = models.CharField(_("code"), max_length=32, unique=True,
                            help_text=_("Basic code (基本编码), e.g. 000104002000."))
    current_version = models.OneToOneField("ItemVersion", verbose_name=_("current version"), null=True,
                                           blank=True, editable=False, on_delete=models.PROTECT,
                                           related_name="+")
    baseline_limit_days = models.PositiveSmallIntegerField(
        _("time limit before the reform (working days)"), null=True, blank=True,
        help_text=_("The pre-reform baseline for the reform ledger."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            *ItemContent.content_constraints("item"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9A-Za-z-]+$"), name="item_code_format",
                                   violation_error_message=_("An item code is made of letters, digits and "
                                                             "hyphens.")),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class MaterialContent(models.Model):
    """申请材料: one required (or optional) document."""

    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    original = models.BooleanField(_("original (原件)"), default=False,
                                   help_text=_("Checked: the original; unchecked: a copy."))
    copies = models.PositiveSmallIntegerField(_("copies"), default=1, validators=[MaxValueValidator(20)])
    required = models.BooleanField(_("required"), default=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    CONTENT_FIELDS = ("order", "name", "original", "copies", "required", "notes")

    def __str__(self):
        return self.name


class StepContent(models.Model):
    """审批环节: one approval step with its allotted working days."""

    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    allotted_days = models.PositiveSmallIntegerField(_("allotted working days"))
    department = models.ForeignKey(Department, verbose_name=_("handling department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("Empty: the item's responsible department."))
    role = models.CharField(_("handling role"), max_length=16, choices=HandlerRole.choices,
                            default=HandlerRole.APPROVER)

    class Meta:
        abstract = True
        ordering = ["order"]

    CONTENT_FIELDS = ("order", "name", "allotted_days", "department_id", "role")

    def __str__(self):
        return f"{self.order}. {self.name}"


class Material(MaterialContent):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")

    class Meta(MaterialContent.Meta):
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")


class StepTemplate(StepContent):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepContent.Meta):
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="step_order_unique_in_item")]


class BaselineStep(models.Model):
    """A step as it was before the reform (改革前环节), for the reform ledger."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="baseline_steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    allotted_days = models.PositiveSmallIntegerField(_("allotted working days"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("pre-reform step")
        verbose_name_plural = _("pre-reform steps")
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="baseline_order_unique_in_item")]

    def __str__(self):
        return f"{self.order}. {self.name}"


class ItemVersion(ItemContent):
    """An immutable published copy of a service item; frozen once an application uses it."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("first used at"), null=True, blank=True)

    class Meta:
        ordering = ["item_id", "-number"]
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        constraints = [
            *ItemContent.content_constraints("version"),
            models.UniqueConstraint(fields=["item", "number"], name="version_number_unique_in_item"),
        ]

    def __str__(self):
        return f"{self.item.code} v{self.number}"

    @property
    def code(self) -> str:
        return self.item.code


class VersionMaterial(MaterialContent):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")

    class Meta(MaterialContent.Meta):
        verbose_name = _("version material")
        verbose_name_plural = _("version materials")


class VersionStep(StepContent):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="steps")

    class Meta(StepContent.Meta):
        verbose_name = _("version step")
        verbose_name_plural = _("version steps")
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="version_step_order_unique")]
