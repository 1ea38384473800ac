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

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.applications.models import Application, Flag, Status, Step, StepStatus
from apps.catalog.models import Department, ServiceItem
from apps.evaluation.models import Rectification

from . import daily, rolled
from .daily import Grouping, add_up, rows_by_key, undelivered_late
from .filters import Scope
from .spans import Histogram, histograms

# The key each grouping uses on an application (None: the whole scope).
GROUPINGS = {"district": None, "department": "department_id", "service_item": "service_item_id"}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _names(by) -> tuple[str, ...]:
    return ("k",) if by else ()


def _key(prefix: str, by) -> dict:
    return {"k": F(f"{prefix}{by}")} if by else {}


def _open_flags(scope: Scope, by) -> dict[tuple, dict]:
    """Accepted applications flagged red or yellow now (an index-only count on their partial index)."""
    flagged = Application.objects.filter(scope.applications(), status=Status.ACCEPTED,
                                         flag__in=[Flag.WARNING, Flag.OVERDUE])
    # `flag` is never null: counting it counts the rows, from the index alone.
    return rows_by_key(flagged, _names(by), _key("", by), overdue_open=Count("flag", filter=Q(flag=Flag.OVERDUE)),
                       warning_open=Count("flag", filter=Q(flag=Flag.WARNING)))


def _undelivered(scope: Scope, by) -> dict[tuple, dict]:
    """Results decided in the period, not delivered and past their deadline now (on a partial index)."""
    late = Application.objects.filter(scope.applications(), undelivered_late(), scope.period("decided_at"))
    return rows_by_key(late, _names(by), _key("", by), undelivered_late=Count("pk"))


def _open_rectifications(scope: Scope, by) -> dict[tuple, dict]:
    """The rectifications of the period's ratings still open, in time or overdue as of today."""
    today = timezone.localdate()
    rectifications = Rectification.objects.filter(~Q(status=Rectification.Status.ANSWERED),
                                                  scope.applications("rating__application__"),
                                                  scope.period("rating__created_at"))
    return rows_by_key(rectifications, _names(by), _key("rating__application__", by),
                       open_in_time=Count("pk", filter=Q(due_date__gte=today)),
                       open_overdue=Count("pk", filter=Q(due_date__lt=today)))


def _compression(scope: Scope, by) -> dict[tuple, dict]:
    if by not in (None, "department_id", "service_item_id"):
        return {}
    items = ServiceItem.objects.filter(scope.items())
    key = {"department_id": "department_id", "service_item_id": "pk"}.get(by)
    return rows_by_key(items, _names(key), _key("", key), legal=Sum("legal_limit_days"),
                       promised=Sum("promised_limit_days"))


def figures(scope: Scope, grouping: str = "district") -> dict[tuple, dict]:
    """Every figure, per key of the grouping (the district is the single key `()`).

    The days the rollup holds are read from it, the others counted from the applications (apps.analytics.rolled),
    and what is counted as of now is read live.
    """
    by = GROUPINGS[grouping]
    days = rolled.split(scope)
    live = Grouping(by=by)
    parts = {
        "counts": add_up(rolled.counts(scope, days.rolled, by), daily.counts(days.live, live),
                         _open_flags(scope, by), _undelivered(scope, by), _open_rectifications(scope, by)),
        "decisions": histograms(rolled.decisions(scope, days.rolled, by), daily.decisions(days.live, live)),
        "compression": _compression(scope, by),
    }
    keys = set().union(rolled.keys_ever(days, by), *(part.keys() for part in parts.values())) if by else {()}
    return {key: _figures_for(key, parts) for key in keys}


def _figures_for(key, parts) -> dict:
    counts, comp = parts["counts"].get(key) or {}, parts["compression"].get(key) or {}

    def count(name) -> int:
        return counts.get(name, 0)
    histogram = parts["decisions"].get(key)
    decided = histogram.n if histogram else 0
    applications, one, more = count("visit_population"), count("visits_one"), count("visits_two_or_more")
    zero = applications - one - more
    return {
        "submitted": count("submitted"),
        "accepted": count("accepted"),
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
        "at_most_one_visit_rate": rate(zero + one, applications),
        "visits": {"applications": applications, "zero": zero, "one": one, "two_or_more": more,
                   "over_limit": count("visits_over_limit")},
        "overdue_open": count("overdue_open"),
        "warning_open": count("warning_open"),
        "satisfaction_rate": rate(count("satisfied"), count("rated")),
        "rated": count("rated"),
        "bad_ratings": count("bad"),
        "rectifications": {name: count(name)
                           for name in ("answered_on_time", "answered_late", "open_in_time", "open_overdue")},
        "deemed_accepted": count("deemed_accepted"),
        "second_notices": count("second_notices"),
        "extensions": count("extensions"),
        "late_deliveries": count("delivered_late") + count("undelivered_late"),
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
    days = rolled.split(scope)
    by_step = histograms(rolled.step_times(scope, days.rolled), daily.step_times(days.live, Grouping()))
    open_flags = {
        (row["department_id"], row["name"]): row
        for row in Step.objects.filter(scope.applications("application__"), status=StepStatus.ACTIVE)
        .order_by().values("department_id", "name")
        .annotate(open=Count("flag"), warning_open=Count("flag", filter=Q(flag=Flag.WARNING)),
                  overdue_open=Count("flag", filter=Q(flag=Flag.OVERDUE)))}  # index-only on step_open_idx
    departments = dict(Department.objects.values_list("pk", "code"))
    result = []
    for key in sorted(set(by_step) | set(open_flags), key=lambda k: (departments.get(k[0], ""), k[1])):
        histogram, flags = by_step.get(key), open_flags.get(key, {})
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
    def by_month(rows: list[tuple]) -> list[tuple]:
        return [((str(key[0])[:7],), *rest) for key, *rest in rows]
    days = rolled.split(scope)
    rolled_submitted = {key: row for key, row in rolled.counts(scope, days.rolled, month("day")).items()
                        if row["submitted"]}
    live_submitted = rows_by_key(Application.objects.filter(scope.applications(), days.live.period("submitted_at")),
                                 ("k",), {"k": month("submitted_at")}, submitted=Count("pk"))
    submitted = {key: row["submitted"] for key, row in add_up(
        *({(str(key[0])[:7],): row for key, row in part.items()} for part in (rolled_submitted, live_submitted))
    ).items()}
    decided = histograms(by_month(rolled.decisions(scope, days.rolled, month("day"))),
                         by_month(daily.decisions(days.live, Grouping(by=month("decided_at")))))
    submitted = {key[0]: n for key, n in submitted.items()}
    decided = {key[0]: histogram for key, histogram in decided.items()}
    rows = []
    for key in sorted(set(submitted) | set(decided)):
        histogram = decided.get(key) or Histogram()
        rows.append({"month": key, "submitted": submitted.get(key, 0), "decided": histogram.n,
                     "on_time_rate": rate(histogram.sums["on_time"], histogram.n),
                     "avg_working_days": histogram.mean(), "median_working_days": histogram.median(),
                     "p90_working_days": histogram.percentile(90)})
    return rows
