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
    def is_enterprise(self) -> bool:
        return bool(self.credit_code)

    @property
    def is_staff_role(self) -> bool:
        return self.role in {Role.CLERK, Role.APPROVER, Role.MANAGER, Role.ADMIN}
