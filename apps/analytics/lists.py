"""The applications behind a figure (drill-down), scoped like the figures."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from apps.applications.models import Application, Flag, Status, Visit

from .daily import decided_on_time, late_delivery
from .filters import Scope


def over_visit_limit(scope: Scope) -> QuerySet[Application]:
    """Applications submitted in the period (and not withdrawn) with more visits than their item version
    allows (最多跑一次 broken), with the hall and clerk of their last visit."""
    last_visit = Visit.objects.filter(application=OuterRef("pk")).order_by("-at", "-pk")
    return (Application.objects.filter(scope.applications(), scope.period("submitted_at"))
            .exclude(status=Status.WITHDRAWN)
            .annotate(visits_total=Count("visits"))
            .filter(visits_total__gt=F("item_version__max_visits"))
            .annotate(max_visits=F("item_version__max_visits"),
                      last_hall=Subquery(last_visit.values("hall__name")[:1]),
                      last_clerk=Subquery(last_visit.values("clerk__name")[:1]))
            .select_related("service_item", "department", "hall")
            .order_by("-submitted_at", "-pk"))


# Each figure, as the applications that make it: (moment the period applies to, condition).
BEHIND = {
    "submitted": ("submitted_at", Q()),
    "accepted": ("accepted_at", Q()),
    "decided": ("decided_at", Q(accepted_on__isnull=False)),
    "late": ("decided_at", Q(accepted_on__isnull=False) & ~decided_on_time()),
    "deemed_accepted": ("accepted_at", Q(deemed_accepted=True)),
    "overdue_open": (None, Q(status=Status.ACCEPTED, flag=Flag.OVERDUE)),
    "warning_open": (None, Q(status=Status.ACCEPTED, flag=Flag.WARNING)),
    "late_deliveries": ("decided_at", late_delivery),
    "second_notices": ("correction_notices__issued_at", Q(correction_notices__number__gte=2)),
    "extensions": ("extensions__created_at", Q(extensions__isnull=False)),
    "bad_ratings": ("rating__created_at", Q(rating__score__lte=2)),
}


def applications_behind(scope: Scope, figure: str) -> QuerySet[Application]:
    """The applications a figure of `figures.figures` counts, newest first (the drill-down)."""
    moment, condition = BEHIND[figure]
    condition = condition() if callable(condition) else condition
    qs = Application.objects.filter(scope.applications(), condition)
    if moment:
        qs = qs.filter(scope.period(moment))
    return (qs.distinct().select_related("service_item", "department", "hall")
            .order_by("-submitted_at", "-pk"))
