"""The managers' figures, computed in the database and grouped by district, department or item.

Definitions (rates are fractions in [0, 1], None when nothing was counted):
- submitted / accepted: applications submitted / accepted in the period.
- decided: approval decisions (approved or denied after acceptance) made in the period;
  a refusal at intake (不予受理) is not a decision on the merits.
- working days: from the clock start (acceptance) to the decision, paused days excluded
  (apps.workdays counting: the start day is not counted).
- on_time_rate: decisions made on or before their due date (extensions and pauses included).
- within_legal_rate: decisions made on or before their legal due date.
- visits: applications submitted in the period and not withdrawn; at most one visit means
  at most one recorded visit, zero visits none; over the limit means more visits than the
  item version allows.
- satisfaction_rate: ratings given in the period in the top three levels.
- overdue_open / warning_open: accepted applications flagged red / yellow now.
- promised_compression_rate: (legal - promised) / legal summed over the active items in scope.
"""

from django.db.models import Case, Count, DateField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from apps.applications.models import (
    Application,
    CorrectionNotice,
    Extension,
    Flag,
    Status,
    Step,
    StepStatus,
    Visit,
)
from apps.catalog.models import Department, ServiceItem
from apps.evaluation.models import Rating, Rectification

from .filters import Scope
from .spans import Histogram, grouped_over, quote, span_histograms

# The key each grouping uses on an application (None: the whole scope).
GROUPINGS = {"district": None, "department": "department_id", "service_item": "service_item_id"}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _key(prefix: str, by) -> dict:
    """The grouping column `k`: a field path (after `prefix`) or an expression."""
    if by is None:
        return {}
    return {"k": F(f"{prefix}{by}") if isinstance(by, str) else by}


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _rows(queryset, by, prefix="", **aggregates) -> dict[tuple, dict]:
    """One aggregate row per key."""
    rows = queryset.order_by().values(**_key(prefix, by)).annotate(**aggregates) if by else \
        [queryset.aggregate(**aggregates)]
    return {(row.pop("k"),) if by else (): row for row in rows}


def late_delivery() -> Q:
    """送达 late: delivered after its deadline, or not delivered and past it now."""
    return Q(delivery_due_at__isnull=False) & (Q(delivered_at__gt=F("delivery_due_at")) | Q(
        delivered_at__isnull=True, delivery_due_at__lte=timezone.now()))


def decided_on_time(decided_on=None) -> Q:
    """Decided on or before the due date (extensions and pauses included)."""
    return Q(due_date__gte=decided_on if decided_on is not None else TruncDate("decided_at"))


def _counts(scope: Scope, by) -> dict[tuple, dict]:
    apps = Application.objects.filter(scope.applications())
    return _rows(
        apps, by,
        submitted=Count("pk", filter=scope.period("submitted_at")),
        accepted=Count("pk", filter=scope.period("accepted_at")),
        deemed_accepted=Count("pk", filter=scope.period("accepted_at") & Q(deemed_accepted=True)),
        visit_population=Count("pk", filter=scope.period("submitted_at") & ~Q(status=Status.WITHDRAWN)),
        overdue_open=Count("pk", filter=Q(status=Status.ACCEPTED, flag=Flag.OVERDUE)),
        warning_open=Count("pk", filter=Q(status=Status.ACCEPTED, flag=Flag.WARNING)),
        late_deliveries=Count("pk", filter=scope.period("decided_at") & late_delivery()),
    )


def decisions(scope: Scope, by) -> dict[tuple, Histogram]:
    """Approval times: histograms of working days from acceptance to decision.

    `decided_at` is also set by a refusal at intake, which has no clock start and so is left out.
    """
    decided_on = TruncDate("decided_at")
    rows = (Application.objects.filter(scope.applications(), scope.period("decided_at"),
                                       accepted_on__isnull=False, decided_at__isnull=False)
            .order_by()
            .values(**_key("", by), start_on=F("accepted_on"), end_on=decided_on, paused=F("paused_workdays")))
    return span_histograms(rows, keys=("k",) if by else (), sums={
        "on_time": _flag(decided_on_time(decided_on)), "within_legal": _flag(Q(legal_due_date__gte=decided_on)),
        "promised_limit": F("item_version__promised_limit_days"), "legal_limit": F("item_version__legal_limit_days")})


def _visits(scope: Scope, by) -> dict[tuple, dict]:
    """Visit buckets per key, from the visits table: the applications without any are the rest of the
    population (`visit_population` of `_counts`)."""
    per_application = (Visit.objects.filter(scope.applications("application__"),
                                            scope.period("application__submitted_at"))
                       .exclude(application__status=Status.WITHDRAWN).order_by()
                       .values("application_id", **_key("application__", by),
                               limit=F("application__item_version__max_visits"))
                       .annotate(n=Count("pk")))
    n, limit = quote("n"), quote("limit")
    result = {}
    for row in grouped_over(per_application, keys=("k",) if by else (), columns=[
            f"SUM(CASE WHEN g.{n} = 1 THEN 1 ELSE 0 END)", f"SUM(CASE WHEN g.{n} >= 2 THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN g.{n} > g.{limit} THEN 1 ELSE 0 END)"]):
        key, (one, more, over) = tuple(row[:-3]), (int(v or 0) for v in row[-3:])
        result[key] = {"one": one, "two_or_more": more, "over_limit": over}
    return result


def _ratings(scope: Scope, by) -> dict[tuple, dict]:
    ratings = Rating.objects.filter(scope.applications("application__"), scope.period("created_at"))
    return _rows(ratings, by, "application__",
                 rated=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=3)),
                 bad=Count("pk", filter=Q(score__lte=2)))


def _rectifications(scope: Scope, by) -> dict[tuple, dict]:
    rectifications = Rectification.objects.filter(scope.applications("rating__application__"),
                                                  scope.period("rating__created_at"))
    today = timezone.localdate()
    answered = Q(status=Rectification.Status.ANSWERED)
    return _rows(rectifications, by, "rating__application__",
                 answered_on_time=Count("pk", filter=answered & Q(answered_at__date__lte=F("due_date"))),
                 answered_late=Count("pk", filter=answered & Q(answered_at__date__gt=F("due_date"))),
                 open_in_time=Count("pk", filter=~answered & Q(due_date__gte=today)),
                 open_overdue=Count("pk", filter=~answered & Q(due_date__lt=today)))


def _compression(scope: Scope, by) -> dict[tuple, dict]:
    if by not in (None, "department_id", "service_item_id"):
        return {}
    items = ServiceItem.objects.filter(scope.items())
    key = {"department_id": "department_id", "service_item_id": "pk"}.get(by)
    return _rows(items, key, legal=Sum("legal_limit_days"), promised=Sum("promised_limit_days"))


def _simple_counts(queryset, scope: Scope, by, moment: str, name: str) -> dict[tuple, dict]:
    return _rows(queryset.filter(scope.applications("application__"), scope.period(moment)), by, "application__",
                 **{name: Count("pk")})


def figures(scope: Scope, grouping: str = "district") -> dict[tuple, dict]:
    """Every figure, per key of the grouping (the district is the single key `()`)."""
    by = GROUPINGS[grouping]
    parts = {
        "counts": _counts(scope, by), "decisions": decisions(scope, by), "visits": _visits(scope, by),
        "ratings": _ratings(scope, by), "rectifications": _rectifications(scope, by),
        "compression": _compression(scope, by),
        "second_notices": _simple_counts(CorrectionNotice.objects.filter(number__gte=2), scope, by,
                                         "issued_at", "second_notices"),
        "extensions": _simple_counts(Extension.objects.all(), scope, by, "created_at", "extensions"),
    }
    keys = set().union(*(part.keys() for part in parts.values())) if by else {()}
    return {key: _figures_for(key, parts) for key in keys}


def _figures_for(key, parts) -> dict:
    def part(name) -> dict:
        return parts[name].get(key) or {}
    counts, visits, ratings, rect, comp = (part(n) for n in ("counts", "visits", "ratings", "rectifications",
                                                             "compression"))
    histogram = parts["decisions"].get(key)
    decided = histogram.n if histogram else 0
    applications = counts.get("visit_population", 0)
    zero = applications - visits.get("one", 0) - visits.get("two_or_more", 0)
    return {
        "submitted": counts.get("submitted", 0),
        "accepted": counts.get("accepted", 0),
        "decided": decided,
        "on_time_rate": rate(histogram.sums["on_time"], decided) if histogram else None,
        "within_legal_rate": rate(histogram.sums["within_legal"], decided) if histogram else None,
        "avg_working_days": histogram.mean() if histogram else None,
        "median_working_days": histogram.median() if histogram else None,
        "p90_working_days": histogram.percentile(90) if histogram else None,
        "avg_promised_limit_days": histogram.sum_mean("promised_limit") if histogram else None,
        "avg_legal_limit_days": histogram.sum_mean("legal_limit") if histogram else None,
        "promised_compression_rate": rate((comp.get("legal") or 0) - (comp.get("promised") or 0),
                                          comp.get("legal") or 0),
        "zero_visit_rate": rate(zero, applications),
        "at_most_one_visit_rate": rate(zero + visits.get("one", 0), applications),
        "visits": {"applications": applications, "zero": zero, "one": visits.get("one", 0),
                   "two_or_more": visits.get("two_or_more", 0), "over_limit": visits.get("over_limit", 0)},
        "overdue_open": counts.get("overdue_open", 0),
        "warning_open": counts.get("warning_open", 0),
        "satisfaction_rate": rate(ratings.get("satisfied", 0), ratings.get("rated", 0)),
        "rated": ratings.get("rated", 0),
        "bad_ratings": ratings.get("bad", 0),
        "rectifications": {name: rect.get(name, 0)
                           for name in ("answered_on_time", "answered_late", "open_in_time", "open_overdue")},
        "deemed_accepted": counts.get("deemed_accepted", 0),
        "second_notices": part("second_notices").get("second_notices", 0),
        "extensions": part("extensions").get("extensions", 0),
        "late_deliveries": counts.get("late_deliveries", 0),
    }


def item_rows(scope: Scope) -> list[dict]:
    """`figures` per service item, with the item's code, name and department."""
    by_item = figures(scope, "service_item")
    items = ServiceItem.objects.filter(pk__in=[key[0] for key in by_item]).select_related("department")
    return [{"code": item.code, "name": item.name,
             "department": {"code": item.department.code, "name": item.department.name},
             **by_item[(item.pk,)]} for item in items.order_by("code")]


def department_rows(scope: Scope) -> list[dict]:
    """`figures` per department, with its code and name."""
    by_department = figures(scope, "department")
    departments = Department.objects.filter(pk__in=[key[0] for key in by_department]).order_by("code")
    return [{"code": d.code, "name": d.name, **by_department[(d.pk,)]} for d in departments]


def step_figures(scope: Scope) -> list[dict]:
    """Per handling department and step: working days taken against those allotted, and open flags now.

    Steps finished in the period count for the times; steps open now for the flags.
    """
    finished_on = TruncDate("finished_at")
    rows = (Step.objects.filter(scope.applications("application__"), scope.period("finished_at"),
                                status__in=[StepStatus.APPROVED, StepStatus.DENIED], started_on__isnull=False)
            .order_by()
            .values(dept=F("department_id"), step_name=F("name"), start_on=F("started_on"), end_on=finished_on,
                    paused=F("paused_workdays")))
    histograms = span_histograms(rows, keys=("dept", "step_name"), sums={
        "allotted": F("allotted_days"), "on_time": _flag(Q(due_date__gte=finished_on))})
    open_flags = {
        (row["department_id"], row["name"]): row
        for row in Step.objects.filter(scope.applications("application__"), status=StepStatus.ACTIVE)
        .order_by().values("department_id", "name")
        .annotate(open=Count("pk"), warning_open=Count("pk", filter=Q(flag=Flag.WARNING)),
                  overdue_open=Count("pk", filter=Q(flag=Flag.OVERDUE)))}
    departments = dict(Department.objects.values_list("pk", "code"))
    result = []
    for key in sorted(set(histograms) | set(open_flags), key=lambda k: (departments.get(k[0], ""), k[1])):
        histogram, flags = histograms.get(key), open_flags.get(key, {})
        finished = histogram.n if histogram else 0
        result.append({
            "department": departments.get(key[0], ""), "step": key[1], "finished": finished,
            "avg_allotted_days": histogram.sum_mean("allotted") if histogram else None,
            "avg_working_days": histogram.mean() if histogram else None,
            "median_working_days": histogram.median() if histogram else None,
            "p90_working_days": histogram.percentile(90) if histogram else None,
            "on_time_rate": rate(histogram.sums["on_time"], finished) if histogram else None,
            "open": flags.get("open", 0), "warning_open": flags.get("warning_open", 0),
            "overdue_open": flags.get("overdue_open", 0),
        })
    return result


def trend(scope: Scope) -> list[dict]:
    """Month by month: applications submitted, and decisions with their on-time rate and working days."""
    def month(moment):
        return TruncMonth(moment, output_field=DateField())
    submitted = {str(row["k"])[:7]: row["n"] for row in
                 Application.objects.filter(scope.applications(), scope.period("submitted_at")).order_by()
                 .values(**_key("", month("submitted_at"))).annotate(n=Count("pk"))}
    decided = {str(key[0])[:7]: histogram for key, histogram in decisions(scope, month("decided_at")).items()}
    rows = []
    for key in sorted(set(submitted) | set(decided)):
        histogram = decided.get(key) or Histogram()
        rows.append({"month": key, "submitted": submitted.get(key, 0), "decided": histogram.n,
                     "on_time_rate": rate(histogram.sums["on_time"], histogram.n),
                     "avg_working_days": histogram.mean(), "median_working_days": histogram.median(),
                     "p90_working_days": histogram.percentile(90)})
    return rows
