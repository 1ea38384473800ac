import json

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

# Up to this many matching rows the count is exact; beyond, counting them all would read them all.
EXACT_COUNT_LIMIT = 10_000


def count_or_estimate(queryset: QuerySet, limit: int = EXACT_COUNT_LIMIT) -> tuple[int, bool]:
    """(count, estimated): exact up to `limit` rows; above, PostgreSQL's planner estimate (never below `limit`).

    The bounded count reads at most limit + 1 index entries, so a list costs the same on a table of a
    thousand rows or of ten million. SQLite and other databases always count exactly.
    """
    rows = queryset.order_by().values("pk")  # the matching rows, without the columns a page shows
    bounded = rows[: limit + 1].count()
    if bounded <= limit or connections[queryset.db].vendor != "postgresql":
        return (bounded if bounded <= limit else rows.count()), False
    plan = json.loads(rows.explain(format="json"))
    return max(int(plan[0]["Plan"]["Plan Rows"]), bounded), True


class EstimatingPaginator(Paginator):
    """A paginator whose count may be an estimate on very large results (see `count_or_estimate`).

    With an estimate, a page past the estimated last one is still served (empty if there is really
    nothing there), and a full page always offers the next one.
    """

    exact_count_limit = EXACT_COUNT_LIMIT

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if isinstance(self.object_list, QuerySet):
            return count_or_estimate(self.object_list, self.exact_count_limit)
        return super().count, False

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def estimated(self) -> bool:
        return self._counted[1]

    def validate_number(self, number):
        # Past the estimated last page, up to what the database's OFFSET can hold (beyond is a 404).
        if self.estimated and str(number).isdigit() and 1 <= int(number) * self.per_page < 2**62:
            return int(number)
        return super().validate_number(number)

    def page(self, number):
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page  # not cut at the estimated count: it may be short
        return self._get_page(self.object_list[bottom:bottom + self.per_page], number, self)

    def _get_page(self, *args, **kwargs):
        return EstimatedPage(*args, **kwargs)


class EstimatedPage(Page):
    def has_next(self):
        if self.paginator.estimated:
            return len(self.object_list) == self.paginator.per_page
        return super().has_next()


class StandardPagination(PageNumberPagination):
    """`{count, next, previous, results}`; `page_size` may be raised up to 100. `count` is exact up to
    10,000 matches and PostgreSQL's estimate above (counting a million rows exactly would read them all)."""

    django_paginator_class = EstimatingPaginator
    page_size_query_param = "page_size"
    max_page_size = 100
