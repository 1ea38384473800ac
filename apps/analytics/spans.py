"""Working-day spans (approval times) aggregated in the database.

A span runs from a clock start (`start_on`) to an end date (`end_on`) less the
working days paused (`paused`). The database groups the rows by the span's
length in working days (an integer, so there are few distinct values) and by the
caller's keys; the mean, median and 90th percentile are read off that histogram.
The cost is one join on the calendar's day numbers and one GROUP BY, whatever the
number of rows.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, QuerySet, Sum

from .models import WorkdayNumber


@dataclass
class Histogram:
    """Spans by length in working days, with the sums the caller asked for."""

    counts: dict[int, int] = field(default_factory=dict)
    sums: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def mean(self) -> float | None:
        n = self.n
        return round(sum(days * count for days, count in self.counts.items()) / n, 2) if n else None

    def _rank(self, rank: int) -> int:
        """The value at 1-based position `rank` in the sorted spans."""
        seen = 0
        for days in sorted(self.counts):
            seen += self.counts[days]
            if seen >= rank:
                return days
        raise ValueError(rank)

    def median(self) -> float | None:
        n = self.n
        if not n:
            return None
        return (self._rank((n + 1) // 2) + self._rank(n // 2 + 1)) / 2

    def percentile(self, p: int) -> int | None:
        """Nearest-rank percentile: the smallest span that at least p% of the spans do not exceed."""
        n = self.n
        return self._rank(max(1, math.ceil(n * p / 100))) if n else None

    def sum_mean(self, name: str) -> float | None:
        n = self.n
        return round(self.sums[name] / n, 2) if n else None


def grouped_over(rows: QuerySet, *, keys: tuple[str, ...], columns: list[str], joins: str = "",
                 group_extra: tuple[str, ...] = ()) -> list[tuple]:
    """GROUP BY `keys` over the rows of a `.values()` queryset, aliased `g`: `SELECT keys, columns`.

    `columns`, `joins` and `group_extra` are SQL written in this module's callers from quoted column names,
    never from input; the queryset's own parameters are passed separately.
    """
    inner, params = rows.query.sql_with_params()
    key_cols = [f"g.{quote(k)}" for k in keys]
    group = [*key_cols, *group_extra]
    sql = (f"SELECT {', '.join([*key_cols, *columns])} FROM ({inner}) g {joins}"  # noqa: S608
           + (f" GROUP BY {', '.join(group)}" if group else ""))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def span_rows(rows: QuerySet, *, keys: tuple[str, ...] = (), sums: dict | None = None) \
        -> list[tuple[tuple, int, int, dict[str, int]]]:
    """The spans in `rows` counted by `keys` and length: (key, working days, spans, {name: total}).

    `rows` is a `.values()` queryset with the columns `start_on`, `end_on` (dates), `paused` (working days)
    and each name in `keys`; `sums` maps names to expressions to add up per key and length. The rows are first
    grouped by their dates (a few thousand groups for a year), so the calendar join works on the groups.
    A length below zero (a decision dated before its clock start) counts as zero.
    """
    sums = sums or {}
    grouped = rows.annotate(n=Count("pk"), **{name: Sum(expression) for name, expression in sums.items()})
    number = quote(WorkdayNumber._meta.db_table)
    span = f"(e.number - s.number - g.{quote('paused')})"
    joins = (f"JOIN {number} s ON s.day = g.{quote('start_on')} "
             f"JOIN {number} e ON e.day = g.{quote('end_on')}")
    result = []
    for row in grouped_over(grouped, keys=keys, joins=joins, group_extra=(span,),
                            columns=[span, f"SUM(g.{quote('n')})", *(f"SUM(g.{quote(name)})" for name in sums)]):
        # PostgreSQL's SUM of integers is a numeric (Decimal): the figures are counted in int.
        key, (days, count, *totals) = tuple(row[:len(keys)]), (int(v or 0) for v in row[len(keys):])
        result.append((key, max(days, 0), count, dict(zip(sums, totals, strict=True))))
    return result


def histograms(*parts: list[tuple[tuple, int, int, dict[str, int]]]) -> dict[tuple, Histogram]:
    """Histograms per key from rows of `span_rows` (or rows of the same shape read from the rollup)."""
    result: dict[tuple, Histogram] = defaultdict(Histogram)
    for rows in parts:
        for key, days, count, totals in rows:
            histogram = result[key]
            histogram.counts[days] = histogram.counts.get(days, 0) + count
            for name, total in totals.items():
                histogram.sums[name] += total
    return dict(result)
