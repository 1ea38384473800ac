"""The applications behind a figure (drill-down), scoped like the figures."""

from django.db.models import Count, F, OuterRef, QuerySet, Subquery

from apps.applications.models import Application, Status, Visit

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
