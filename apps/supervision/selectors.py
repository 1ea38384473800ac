from django.db.models import Count, QuerySet

from apps.accounts.models import Role
from apps.applications.models import Application, Flag, Status
from apps.applications.selectors import visible_applications

from .models import Alert


def visible_alerts(user) -> QuerySet[Alert]:
    """Alerts on the applications a staff member may see; citizens see none."""
    if not user.is_authenticated or user.role == Role.CITIZEN:
        return Alert.objects.none()
    return Alert.objects.filter(application__in=visible_applications(user).values("pk"))


def alert_list(user, *, level: str | None = None, acknowledged: bool | None = None) -> QuerySet[Alert]:
    qs = visible_alerts(user).select_related("application", "step", "department", "acknowledged_by")
    if level:
        qs = qs.filter(level=level)
    if acknowledged is not None:
        qs = qs.filter(acknowledged_at__isnull=not acknowledged)
    return qs.order_by("-raised_at", "-id")


def open_flag_counts() -> dict[str, int]:
    """Applications under decision now yellow ('warning') and red ('overdue'): one grouped count."""
    counts = dict.fromkeys((Flag.WARNING, Flag.OVERDUE), 0)
    rows = (Application.objects.filter(status=Status.ACCEPTED, flag__in=list(counts))
            .values_list("flag").annotate(n=Count("pk")).order_by())
    counts.update(dict(rows))
    return {str(flag): n for flag, n in counts.items()}
