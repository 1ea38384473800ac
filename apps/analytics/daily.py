"""The figures that count what happened on a day, counted from the applications themselves.

Each query here takes a Scope (whose `days`, if set, narrows the period) and a Grouping: grouped by a figure's
key for the days the figures compute live (apps.analytics.figures), or by local day and place (department,
item, receiving hall) for the days the rollup job rolls up (apps.analytics.rollup). The same queries serve
both, so a rolled-up day counts exactly as a live one.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Count, Expression, F, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.applications.models import Application, CorrectionNotice, Extension, Status, Step, StepStatus, Visit
from apps.evaluation.models import Rating, Rectification

from .filters import Scope
from .spans import grouped_over, quote, span_rows

# The key names of a daily row: the local day and the application's place.
DAY_KEYS = ("day", "place_department", "place_item", "place_hall")


@dataclass(frozen=True)
class Grouping:
    """How a query groups its rows: by `by` (an application's field or an expression on it; None: the whole
    scope), or, `daily`, by the local day of the figure's moment and the application's place."""

    by: str | Expression | None = None
    daily: bool = False

    def keys(self, application: str, moment: str) -> dict:
        """The grouping columns of a row whose application is at the path `application` ("" or "...__") and
        whose figure counts by `moment` (a datetime field path)."""
        if self.daily:
            return {"day": TruncDate(moment), "place_department": F(f"{application}department_id"),
                    "place_item": F(f"{application}service_item_id"), "place_hall": F(f"{application}hall_id")}
        if self.by is None:
            return {}
        return {"k": F(f"{application}{self.by}") if isinstance(self.by, str) else self.by}

    @property
    def names(self) -> tuple[str, ...]:
        return DAY_KEYS if self.daily else ("k",) if self.by is not None else ()


def rows_by_key(queryset, names: tuple[str, ...], keys: dict, **aggregates) -> dict[tuple, dict]:
    """One aggregate row per key."""
    rows = queryset.order_by().values(**keys).annotate(**aggregates) if names else \
        [queryset.aggregate(**aggregates)]
    return {tuple(row.pop(name) for name in names): row for row in rows}


def flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def decided_on_time(decided_on=None) -> Q:
    """Decided on or before the due date (extensions and pauses included)."""
    return Q(due_date__gte=decided_on if decided_on is not None else TruncDate("decided_at"))


def delivered_late() -> Q:
    """送达 late and done: delivered after its deadline (fixed once delivered, so it can be rolled up)."""
    return Q(delivery_due_at__isnull=False, delivered_at__gt=F("delivery_due_at"))


def undelivered_late() -> Q:
    """送达 late and not done: not delivered and past the deadline now (counted live)."""
    return Q(delivery_due_at__isnull=False, delivered_at__isnull=True, delivery_due_at__lte=timezone.now())


def late_delivery() -> Q:
    """送达 late: delivered after its deadline, or not delivered and past it now."""
    return delivered_late() | undelivered_late()


# The counters of applications, each with the moment it counts by and its condition.
APPLICATION_COUNTERS = {
    "submitted": ("submitted_at", Q()),
    "visit_population": ("submitted_at", ~Q(status=Status.WITHDRAWN)),
    "accepted": ("accepted_at", Q()),
    "deemed_accepted": ("accepted_at", Q(deemed_accepted=True)),
    "delivered_late": ("decided_at", delivered_late()),
}


def application_counts(scope: Scope, group: Grouping) -> dict[tuple, dict]:
    """Submitted, accepted, deemed accepted, the visit population, delivered late: one query grouped by key,
    or one per moment by day."""
    moments = sorted({moment for moment, _ in APPLICATION_COUNTERS.values()})
    result: dict[tuple, dict] = {}
    for batch in ([[moment] for moment in moments] if group.daily else [moments]):
        counters = {name: Count("pk", filter=scope.period(moment) & condition)
                    for name, (moment, condition) in APPLICATION_COUNTERS.items() if moment in batch}
        applications = Application.objects.filter(scope.applications()).filter(
            reduce(or_, (scope.period(moment) for moment in batch)))
        for key, row in rows_by_key(applications, group.names, group.keys("", batch[0]), **counters).items():
            result.setdefault(key, {}).update(row)
    return result


def visits(scope: Scope, group: Grouping) -> dict[tuple, dict]:
    """Visit buckets of the applications submitted in the period and not withdrawn, from the visits table (the
    applications without any are the rest of `visit_population`)."""
    per_application = (Visit.objects.filter(scope.applications("application__"),
                                            scope.period("application__submitted_at"))
                       .exclude(application__status=Status.WITHDRAWN).order_by()
                       .values("application_id", **group.keys("application__", "application__submitted_at"),
                               limit=F("application__item_version__max_visits"))
                       .annotate(n=Count("pk")))
    n, limit = quote("n"), quote("limit")
    result = {}
    for row in grouped_over(per_application, keys=group.names, columns=[
            f"SUM(CASE WHEN g.{n} = 1 THEN 1 ELSE 0 END)", f"SUM(CASE WHEN g.{n} >= 2 THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN g.{n} > g.{limit} THEN 1 ELSE 0 END)"]):
        key, (one, more, over) = tuple(row[:-3]), (int(v or 0) for v in row[-3:])
        result[key] = {"visits_one": one, "visits_two_or_more": more, "visits_over_limit": over}
    return result


def ratings(scope: Scope, group: Grouping) -> dict[tuple, dict]:
    """Ratings given in the period, and their rectifications answered on time or late."""
    answered = Q(rectification__status=Rectification.Status.ANSWERED)
    answered_at = "rectification__answered_at__date"
    queryset = Rating.objects.filter(scope.applications("application__"), scope.period("created_at"))
    return rows_by_key(
        queryset, group.names, group.keys("application__", "created_at"),
        rated=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=3)), bad=Count("pk", filter=Q(score__lte=2)),
        answered_on_time=Count("pk", filter=answered & Q(**{f"{answered_at}__lte": F("rectification__due_date")})),
        answered_late=Count("pk", filter=answered & Q(**{f"{answered_at}__gt": F("rectification__due_date")})))


def second_notices(scope: Scope, group: Grouping) -> dict[tuple, dict]:
    """Correction notices after the first (a breach of the one-time rule) issued in the period."""
    notices = CorrectionNotice.objects.filter(scope.applications("application__"), scope.period("issued_at"),
                                              number__gte=2)
    return rows_by_key(notices, group.names, group.keys("application__", "issued_at"), second_notices=Count("pk"))


def extensions(scope: Scope, group: Grouping) -> dict[tuple, dict]:
    """Extensions approved in the period."""
    approved = Extension.objects.filter(scope.applications("application__"), scope.period("created_at"))
    return rows_by_key(approved, group.names, group.keys("application__", "created_at"), extensions=Count("pk"))


def decisions(scope: Scope, group: Grouping) -> list[tuple]:
    """Approval times: working days from acceptance to decision (`span_rows`), with the decisions on time,
    within the legal limit, and the promised and legal limits added up.

    `decided_at` is also set by a refusal at intake, which has no clock start and so is left out.
    """
    decided_on = TruncDate("decided_at")
    rows = (Application.objects.filter(scope.applications(), scope.period("decided_at"),
                                       accepted_on__isnull=False, decided_at__isnull=False)
            .order_by()
            .values(**group.keys("", "decided_at"), start_on=F("accepted_on"), end_on=decided_on,
                    paused=F("paused_workdays")))
    return span_rows(rows, keys=group.names, sums={
        "on_time": flag(decided_on_time(decided_on)), "within_legal": flag(Q(legal_due_date__gte=decided_on)),
        "promised_limit": F("item_version__promised_limit_days"), "legal_limit": F("item_version__legal_limit_days")})


def step_times(scope: Scope, group: Grouping) -> list[tuple]:
    """Steps finished in the period, per the step's department and name (after the grouping's keys): working
    days taken (`span_rows`), with the allotted days added up and the steps finished on time."""
    finished_on = TruncDate("finished_at")
    rows = (Step.objects.filter(scope.applications("application__"), scope.period("finished_at"),
                                status__in=[StepStatus.APPROVED, StepStatus.DENIED], started_on__isnull=False)
            .order_by()
            .values(**group.keys("application__", "finished_at"), dept=F("department_id"), step_name=F("name"),
                    start_on=F("started_on"), end_on=finished_on, paused=F("paused_workdays")))
    return span_rows(rows, keys=(*group.names, "dept", "step_name"), sums={
        "allotted": F("allotted_days"), "on_time": flag(Q(due_date__gte=finished_on))})


# Every counter of a day (the fields of DayCounts), and the queries that count them.
COUNTERS = (*APPLICATION_COUNTERS, "visits_one", "visits_two_or_more", "visits_over_limit", "rated", "satisfied",
            "bad", "answered_on_time", "answered_late", "second_notices", "extensions")
COUNTS = (application_counts, visits, ratings, second_notices, extensions)


def add_up(*parts: dict[tuple, dict]) -> dict[tuple, dict]:
    """The counters of several parts added key by key."""
    result: dict[tuple, dict] = {}
    for part in parts:
        for key, row in part.items():
            into = result.setdefault(key, {})
            for name, value in row.items():
                into[name] = into.get(name, 0) + int(value or 0)
    return result


def counts(scope: Scope, group: Grouping) -> dict[tuple, dict]:
    """Every counter of COUNTERS, per key."""
    return add_up(*(count(scope, group) for count in COUNTS))
