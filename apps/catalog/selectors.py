"""Reads of the catalogue.

The public guide is always read from an item's *current version*, never from the
editable item: that is what new applications are bound to, and the material ids
it shows are the ones applicants attach their files against.
"""

from datetime import datetime

from django import forms
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import Department, Hall, ItemType, ItemVersion, ServiceItem, VersionStep, Window


def public_guides() -> QuerySet[ItemVersion]:
    """The published guide of every open item (active, with a current version), by code."""
    return (
        ItemVersion.objects.filter(item__active=True, item__current_version=F("pk"))
        .select_related("item", "department")
        .order_by("item__code")
    )


def public_guide_version(*, code: str) -> tuple[int, datetime] | None:
    """(id, published_at) of an open item's current version: what the cached guide is keyed by, in one query."""
    return public_guides().filter(item__code=code).values_list("pk", "published_at").first()


def public_guide(*, code: str) -> ItemVersion | None:
    """One open item's guide with its materials and steps, in a fixed number of queries."""
    return (
        public_guides()
        .prefetch_related("materials", Prefetch("steps", VersionStep.objects.select_related("department")))
        .filter(item__code=code)
        .first()
    )


def open_service_item(code: str) -> ServiceItem | None:
    """An item open for applications: its key only (applying reads the content from its current version)."""
    return ServiceItem.objects.filter(code=code, active=True).only("pk", "code").first()


def department_by_code(code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def open_window(pk: int) -> Window | None:
    """A window in service, with its hall."""
    return Window.objects.filter(pk=pk, active=True).select_related("hall").first()


class IntegerFilter(filters.NumberFilter):
    """A whole number: `max_visits=1.5` or `=abc` is a 400 with a field message, not an empty list."""

    field_class = forms.IntegerField


class PublicGuideFilter(filters.FilterSet):
    """The filters of the public service-item list (API contract: search, department, item_type, max_visits)."""

    search = filters.CharFilter(method="filter_search", help_text=_("Part of the item's name or code, or a word "
                                                                    "of its result or conditions."))
    department = filters.CharFilter(field_name="department__code",
                                    help_text=_("Code of the responsible department."))
    item_type = filters.ChoiceFilter(choices=ItemType.choices, help_text=_("Type of the item."))
    max_visits = IntegerFilter(min_value=0, help_text=_("Maximum number of on-site visits (exact)."))
    visits_at_most = IntegerFilter(field_name="max_visits", lookup_expr="lte", min_value=0,
                                   help_text=_("Items needing at most this many on-site visits (0: none, "
                                               "1: 最多跑一次)."))
    hall_level = filters.ChoiceFilter(choices=Hall.Level.choices, method="filter_hall_level",
                                      help_text=_("Items that a window at a hall of this level takes in."))
    online = filters.BooleanFilter(help_text=_("Whether the item can be done online."))
    instant = filters.BooleanFilter(help_text=_("Whether the item is decided on the spot (即办件)."))

    class Meta:
        model = ItemVersion
        fields = ["search", "department", "item_type", "max_visits", "visits_at_most", "hall_level", "online",
                  "instant"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(item__code__icontains=value)
                               | Q(result_name__icontains=value) | Q(conditions__icontains=value))

    def filter_hall_level(self, queryset, name, value):
        """A comprehensive window at such a hall takes in any item; a dedicated one only its listed items."""
        windows = Window.objects.filter(active=True, hall__level=value)
        if windows.filter(kind=Window.Kind.COMPREHENSIVE).exists():
            return queryset
        return queryset.filter(Exists(windows.filter(items=OuterRef("item_id"))))


def departments() -> QuerySet[Department]:
    """Departments responsible for at least one open item, for the guide's filter."""
    return Department.objects.filter(Exists(public_guides().filter(department=OuterRef("pk")))).order_by("code")


def halls_taking(item_id: int) -> QuerySet[Hall]:
    """办理地点: halls with an active window that takes in this item (comprehensive, or dedicated to it)."""
    windows = Window.objects.filter(hall=OuterRef("pk"), active=True).filter(
        Q(kind=Window.Kind.COMPREHENSIVE) | Q(items=item_id))
    return Hall.objects.filter(Exists(windows)).order_by("code")
