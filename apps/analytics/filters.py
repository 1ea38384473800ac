"""The filters every figure takes: a period and the department, hall and item.

The period is a range of dates in Asia/Shanghai, both ends included; each figure
applies it to its own moment (submitted, decided, rated ...), so the FilterSet
validates it and hands it on in a `Scope` rather than filtering one column.
"""

import operator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import reduce

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.applications.clock import end_of, start_of
from apps.applications.models import Application
from apps.catalog.models import Department, Hall, ServiceItem

# A range of days, both ends included; None leaves that end open.
DayRange = tuple[date | None, date | None]

# An instant that starts and ends an empty range: a moment `>= NEVER` and `< NEVER` is none, and the query that
# asks still runs on the moment's index (the same queries whatever the days asked).
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scope:
    date_from: date | None = None
    date_to: date | None = None
    department: Department | None = None
    hall: Hall | None = None
    item: ServiceItem | None = None
    # Within the period, only these days (None: all of them): the days the figures compute from the applications
    # themselves because the daily rollup does not hold them (apps.analytics.rolled), or the days the rollup job
    # rolls up.
    days: tuple[DayRange, ...] | None = None

    def applications(self, prefix: str = "") -> Q:
        """The applications in scope (department, hall, item), seen from a model at `prefix`."""
        q = Q()
        for name, value in (("department", self.department), ("hall", self.hall),
                            ("service_item", self.item)):
            if value is not None:
                q &= Q(**{f"{prefix}{name}": value})
        return q

    def period(self, moment: str) -> Q:
        """`moment` (a datetime field path) is set and falls in the period."""
        q = Q(**{f"{moment}__isnull": False})
        if self.date_from:
            q &= Q(**{f"{moment}__gte": start_of(self.date_from)})
        if self.date_to:
            q &= Q(**{f"{moment}__lt": end_of(self.date_to)})
        if self.days is not None:
            q &= within_days(moment, self.days)
        return q

    def items(self) -> Q:
        """The catalogue items in scope (the hall does not narrow the catalogue)."""
        q = Q(active=True)
        if self.department is not None:
            q &= Q(department=self.department)
        if self.item is not None:
            q &= Q(pk=self.item.pk)
        return q


def within_days(moment: str, days: tuple[DayRange, ...]) -> Q:
    """`moment` (a datetime field path) falls on one of the ranges of local days; nothing when there is none."""
    if not days:
        return Q(**{f"{moment}__gte": NEVER, f"{moment}__lt": NEVER})
    ranges = []
    for first, last in days:
        q = Q(**{f"{moment}__isnull": False})
        if first:
            q &= Q(**{f"{moment}__gte": start_of(first)})
        if last:
            q &= Q(**{f"{moment}__lt": end_of(last)})
        ranges.append(q)
    return reduce(operator.or_, ranges)


class StatsFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(method="_in_scope", label=gettext_lazy("from (YYYY-MM-DD, included)"))
    date_to = django_filters.DateFilter(method="_in_scope", label=gettext_lazy("to (YYYY-MM-DD, included)"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), to_field_name="code",
                                                  label=gettext_lazy("department code"))
    hall = django_filters.ModelChoiceFilter(queryset=Hall.objects.all(), to_field_name="code",
                                            label=gettext_lazy("hall code"))
    item = django_filters.ModelChoiceFilter(queryset=ServiceItem.objects.all(), to_field_name="code",
                                            field_name="service_item", label=gettext_lazy("service item code"))

    class Meta:
        model = Application
        fields = ["date_from", "date_to", "department", "hall", "item"]

    def _in_scope(self, queryset, name, value):
        return queryset  # the period applies per figure, through the Scope

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if valid and data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error("date_to", _("The end of the period is before its start."))
            return False
        return valid

    def scope(self) -> Scope:
        data = self.form.cleaned_data
        return Scope(date_from=data.get("date_from"), date_to=data.get("date_to"),
                     department=data.get("department"), hall=data.get("hall"), item=data.get("item"))


def scope_for(user, params) -> tuple[StatsFilter, Scope | None]:
    """The filters read from `params` (the scope is None when they are invalid: see `filterset.errors`),
    narrowed to a department manager's own department. Asking for another department is PermissionDenied."""
    filterset = StatsFilter(params, queryset=Application.objects.none())
    if not filterset.is_valid():
        return filterset, None
    scope, own = filterset.scope(), user.department
    if own is not None:
        if scope.department is not None and scope.department != own:
            raise PermissionDenied(_("You see the figures of your own department only."))
        scope = replace(scope, department=own)
    return filterset, scope
