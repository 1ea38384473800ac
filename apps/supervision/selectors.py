from django.db.models import Count, QuerySet
from django_filters import rest_framework as filters

from apps.accounts.models import Role
from apps.applications.models import Application, Flag, Status
from apps.applications.selectors import visible_applications

from .models import Alert, AlertLevel


def visible_alerts(user) -> QuerySet[Alert]:
    """Alerts on the applications a staff member may see; citizens see none."""
    if not user.is_authenticated or user.role == Role.CITIZEN:
        return Alert.objects.none()
    return Alert.objects.filter(application__in=visible_applications(user).values("pk"))


def alert_list(user) -> QuerySet[Alert]:
    return (visible_alerts(user).select_related("application", "step", "department", "acknowledged_by")
            .order_by("-raised_at", "-id"))


class AlertFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=AlertLevel.choices)
    acknowledged = filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Alert
        fields = ["level", "acknowledged"]


def open_flag_counts() -> dict[str, int]:
    """Applications under decision now yellow ('warning') and red ('overdue'): one grouped count."""
    counts = dict.fromkeys((Flag.WARNING, Flag.OVERDUE), 0)
    rows = (Application.objects.filter(status=Status.ACCEPTED, flag__in=list(counts))
            .values_list("flag").annotate(n=Count("pk")).order_by())
    counts.update(dict(rows))
    return {str(flag): n for flag, n in counts.items()}
