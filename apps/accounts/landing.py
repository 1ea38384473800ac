"""Where each person lands after signing in: their own page."""

from django.urls import reverse

from .models import Role


def landing_url(user) -> str:
    """The first page of `user`'s work: the dashboard for managers, the workbench for other staff, the front
    page for citizens."""
    if user.role == Role.MANAGER:
        return reverse("dashboard:home")
    if user.role in {Role.CLERK, Role.APPROVER}:
        return reverse("counter:home")
    if user.role == Role.ADMIN:
        return reverse("admin:index")
    return reverse("home")
