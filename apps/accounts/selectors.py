"""Reads of users."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import BACK_OFFICE


def assignee_by_id(pk: int):
    """The user a step is to be given to, if any (whether they may take it is the service's rule)."""
    return get_user_model().objects.filter(pk=pk).first()


def assignable_staff(department_id: int) -> QuerySet:
    """The people a step of this department may be given to: its active approvers and managers."""
    return (get_user_model().objects.filter(department_id=department_id, role__in=BACK_OFFICE, is_active=True)
            .order_by("role", "name", "username"))
