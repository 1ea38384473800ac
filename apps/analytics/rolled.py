"""Reading the daily rollup: which days of a period it holds, and their counters and histograms.

The rollup holds every day up to `RollupState.rolled_through`, except the days on which the applications changed
since the job last ran (`RollupChange`) count anything: those, and the days after, are computed live from the
applications (a `Scope` narrowed to those `days`), and the two parts are added up. So the figures are always as
current as the applications, whenever the job last ran.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import Expression, F, IntegerField, Q, Sum, Value
from django.db.models.functions import TruncDate

from apps.applications.models import Application, CorrectionNotice, Extension, Step
from apps.evaluation.models import Rating

from .daily import COUNTERS, rows_by_key
from .filters import DayRange, Scope
from .models import DayCounts, DayDecisions, DayStepTimes, RollupChange, RollupState

# A day that starts and ends an empty range (see filters.NEVER).
NEVER = date(2000, 1, 1)


def within(days: tuple[DayRange, ...]) -> Q:
    """A rollup row's `day` falls on one of the ranges; nothing when there is none."""
    q = Q(day__gte=NEVER, day__lt=NEVER)
    for first, last in days:
        q |= Q(day__gte=first or date.min, day__lte=last or date.max)
    return q


def changed_applications_days():
    """Selects of `(1, day)`: the local days on which the applications changed since the job last ran count
    anything (submitted, accepted, decided, rated, a step finished, a notice issued, an extension approved;
    visits count on the submission day, rectifications on the rating's)."""
    changed = RollupChange.objects.values("application_id")
    moments = [(Application, "pk", moment) for moment in ("submitted_at", "accepted_at", "decided_at")] + [
        (Rating, "application_id", "created_at"), (Step, "application_id", "finished_at"),
        (CorrectionNotice, "application_id", "issued_at"), (Extension, "application_id", "created_at")]
    return [model.objects.filter(**{f"{column}__in": changed, f"{moment}__isnull": False}).order_by()
            .values_list(Value(1, output_field=IntegerField()), TruncDate(moment))
            for model, column, moment in moments]


def rollup_state() -> tuple[date | None, set[date]]:
    """`rolled_through` and the days of the changed applications, in one query."""
    state = RollupState.objects.order_by().values_list(Value(0, output_field=IntegerField()), "rolled_through")
    rolled_through, changed = None, set()
    for kind, day in state.union(*changed_applications_days()):
        if kind == 0:
            rolled_through = day
        else:
            changed.add(day)
    return rolled_through, changed


def consecutive(days) -> list[DayRange]:
    """Days as ranges of consecutive days."""
    ranges: list[list[date]] = []
    for day in sorted(days):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(first, last) for first, last in ranges]


def _split(first: date | None, last: date | None, rolled_through: date | None,
           changed: set[date]) -> tuple[tuple[DayRange, ...], tuple[DayRange, ...]]:
    """The days from `first` to `last` (None: open) the rollup holds, and the others."""
    if rolled_through is None or (first and first > rolled_through):
        return (), ((first, last),)
    end = min(last, rolled_through) if last else rolled_through
    stale = consecutive(day for day in changed if (not first or day >= first) and day <= end)
    rolled, start = [], first
    for stale_first, stale_last in stale:
        if not start or start < stale_first:
            rolled.append((start, stale_first - timedelta(days=1)))
        start = stale_last + timedelta(days=1)
    if not start or start <= end:
        rolled.append((start, end))
    after = rolled_through + timedelta(days=1)
    return tuple(rolled), (*stale, *([(after, last)] if not last or last >= after else []))


@dataclass(frozen=True)
class Split:
    """A scope's period between the rollup (`rolled`: ranges of days) and the applications (`live`: the scope
    narrowed to the other days); `rolled_ever` and `live_ever` are the same for all time (the keys)."""

    rolled: tuple[DayRange, ...]
    live: Scope
    rolled_ever: tuple[DayRange, ...]
    live_ever: Scope


def split(scope: Scope) -> Split:
    rolled_through, changed = rollup_state()
    rolled, live = _split(scope.date_from, scope.date_to, rolled_through, changed)
    rolled_ever, live_ever = _split(None, None, rolled_through, changed)
    return Split(rolled=rolled, live=replace(scope, days=live), rolled_ever=rolled_ever,
                 live_ever=replace(scope, date_from=None, date_to=None, days=live_ever))


def keys_ever(split_: Split, by: str) -> set[tuple]:
    """The grouping's keys (`by`: department_id or service_item_id) of every application in scope, whatever the
    period: each has a row on its submission day in the rollup, or was submitted on a live day."""
    scope = split_.live_ever
    rolled = DayCounts.objects.filter(scope.applications(), within(split_.rolled_ever)).order_by().values_list(by)
    live = Application.objects.filter(scope.applications(), scope.period("submitted_at")).order_by().values_list(by)
    return set(rolled.union(live))


def _key(by) -> tuple[tuple[str, ...], dict]:
    if by is None:
        return (), {}
    return ("k",), {"k": by if isinstance(by, Expression) else F(by)}


def counts(scope: Scope, days: tuple[DayRange, ...], by=None) -> dict[tuple, dict]:
    """The counters of the rolled-up `days` in scope, per key (`by`: a field or an expression of a row)."""
    names, keys = _key(by)
    rows = rows_by_key(DayCounts.objects.filter(scope.applications(), within(days)), names, keys,
                       **{f"total_{name}": Sum(name) for name in COUNTERS})
    return {key: {name: row[f"total_{name}"] or 0 for name in COUNTERS} for key, row in rows.items()}


def _span_rows(rows, names: tuple[str, ...], keys: dict, count: str, sums: dict[str, str]) -> list[tuple]:
    """Rows of the rollup's histograms in the shape of `spans.span_rows`: `count` is the field counting the
    spans, `sums` the fields added up (by the names the histograms use)."""
    result = []
    for row in (rows.order_by().values(**keys, days=F("working_days"))
                .annotate(total=Sum(count), **{f"total_{name}": Sum(field) for name, field in sums.items()})):
        result.append((tuple(row[name] for name in names), row["days"], int(row["total"]),
                       {name: int(row[f"total_{name}"]) for name in sums}))
    return result


def decisions(scope: Scope, days: tuple[DayRange, ...], by=None) -> list[tuple]:
    """The approval times of the rolled-up `days` (`daily.decisions`)."""
    names, keys = _key(by)
    return _span_rows(DayDecisions.objects.filter(scope.applications(), within(days)), names, keys, "decided",
                      {name: name for name in ("on_time", "within_legal", "promised_limit", "legal_limit")})


def step_times(scope: Scope, days: tuple[DayRange, ...]) -> list[tuple]:
    """The step times of the rolled-up `days` (`daily.step_times`), by the step's department and name."""
    keys = {"dept": F("step_department_id"), "step": F("step_name")}
    return _span_rows(DayStepTimes.objects.filter(scope.applications(), within(days)), ("dept", "step"), keys,
                      "finished", {"allotted": "allotted", "on_time": "on_time"})
