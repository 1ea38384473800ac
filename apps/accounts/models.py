"""Users and their roles.

One user model for everybody: citizens (and enterprise agents) who apply, and staff
(clerks at a hall window, approvers in a department's back office, managers,
administrators).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .identity import mask_id_number, validate_id_number, validate_uscc


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen / enterprise")
    CLERK = "clerk", _("Counter clerk")
    APPROVER = "approver", _("Approver")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


# Who works approval steps in a department's back office.
BACK_OFFICE = (Role.APPROVER, Role.MANAGER)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CITIZEN)
    name = models.CharField(_("full name"), max_length=100, blank=True)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True,
                                 validators=[validate_id_number])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True,
                                   validators=[validate_uscc],
                                   help_text=_("Enterprise accounts: the code of the enterprise; `name` is its name."))
    agent_name = models.CharField(_("acting person"), max_length=100, blank=True,
                                  help_text=_("Enterprise accounts: the person who acts for the enterprise (经办人)."))
    agent_id_number = models.CharField(_("acting person's ID number"), max_length=18, blank=True,
                                       validators=[validate_id_number],
                                       help_text=_("Enterprise accounts: asked at registration; accounts opened "
                                                   "before it was asked may have none."))
    department = models.ForeignKey("catalog.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="staff",
                                   help_text=_("Approvers and managers: the department they work for. "
                                               "A manager without a department oversees the whole district."))
    hall = models.ForeignKey("catalog.Hall", verbose_name=_("hall"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="staff",
                             help_text=_("Clerks: the hall they work in."))
    window = models.ForeignKey("catalog.Window", verbose_name=_("window"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="clerks",
                               help_text=_("Clerks: their usual window."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""),
                                    name="user_id_number_unique"),
            # A credit code is public (国家企业信用信息公示系统), so saying it is taken reveals nothing private.
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="user_credit_code_unique",
                                    violation_error_message=_("This enterprise already has an account: sign in, "
                                                              "or ask at any hall to recover it.")),
            models.CheckConstraint(condition=~Q(role="clerk") | Q(hall__isnull=False),
                                   name="clerk_has_hall"),
            models.CheckConstraint(condition=~Q(role="approver") | Q(department__isnull=False),
                                   name="approver_has_department"),
        ]

    def __str__(self):
        return self.name or self.username

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_agent_id_number(self) -> str:
        return mask_id_number(self.agent_id_number)

    @property
    def is_enterprise(self) -> bool:
        return bool(self.credit_code)

    @property
    def is_staff_role(self) -> bool:
        return self.role in {Role.CLERK, Role.APPROVER, Role.MANAGER, Role.ADMIN}

    @property
    def is_district_manager(self) -> bool:
        """A manager without a department oversees every department of the district."""
        return self.role == Role.MANAGER and self.department_id is None

    @property
    def is_back_office(self) -> bool:
        """Approvers and managers: the people who work approval steps."""
        return self.role in BACK_OFFICE

    def manages(self, department_id) -> bool:
        """A manager of this department, or of the whole district."""
        return self.role == Role.MANAGER and self.department_id in {None, department_id}

    def handles_steps_of(self, department_id) -> bool:
        """May be given a step of this department: an active approver or manager who works there."""
        return self.is_active and self.is_back_office and self.department_id == department_id

class SignInFailures(models.Model):
    """Failed sign-ins counted per username and per client address (登录失败锁定).

    Too many within `SIGN_IN_LOCK_MINUTES` lock that username, or that address, for as long again; an
    administrator unlocks early by deleting the row or with the admin action.
    """

    class Kind(models.TextChoices):
        USERNAME = "username", _("username")
        ADDRESS = "address", _("client address")

    kind = models.CharField(_("counted per"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("username or address"), max_length=150)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    first_failure_at = models.DateTimeField(_("first failure"))
    last_failure_at = models.DateTimeField(_("last failure"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed sign-ins")
        verbose_name_plural = _("failed sign-ins")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="sign_in_failures_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"
