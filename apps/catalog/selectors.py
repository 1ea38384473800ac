"""Reads of the catalogue.

The public guide is always read from an item's *current version*, never from the
editable item: that is what new applications are bound to, and the material ids
it shows are the ones applicants attach their files against.
"""

from datetime import datetime

from django import forms
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import ItemType, ItemVersion, VersionStep


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


class IntegerFilter(filters.NumberFilter):
    """A whole number: `max_visits=1.5` or `=abc` is a 400 with a field message, not an empty list."""

    field_class = forms.IntegerField


class PublicGuideFilter(filters.FilterSet):
    """The filters of the public service-item list (API contract: search, department, item_type, max_visits)."""

    search = filters.CharFilter(method="filter_search", help_text=_("Part of the item's name or code."))
    department = filters.CharFilter(field_name="department__code",
                                    help_text=_("Code of the responsible department."))
    item_type = filters.ChoiceFilter(choices=ItemType.choices, help_text=_("Type of the item."))
    max_visits = IntegerFilter(min_value=0, help_text=_("Maximum number of on-site visits (exact)."))
    online = filters.BooleanFilter(help_text=_("Whether the item can be done online."))
    instant = filters.BooleanFilter(help_text=_("Whether the item is decided on the spot (即办件)."))

    class Meta:
        model = ItemVersion
        fields = ["search", "department", "item_type", "max_visits", "online", "instant"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(item__code__icontains=value))
