"""The reform ledger (改革台账): each item's steps and limits before the reform and now.

From the catalogue alone: the pre-reform steps and limit are the item's baseline
(`BaselineStep`, `baseline_limit_days`), the present ones its current steps and
limits. The catalogue is small (hundreds of items), so the ledger is read whole.
"""

from django.db.models import Count
from django.utils.translation import gettext as _

from apps.catalog.models import ItemType, ServiceItem

from .figures import rate


def reform_ledger(*, department=None, item=None) -> dict:
    items = ServiceItem.objects.filter(active=True).select_related("department").annotate(
        steps_before=Count("baseline_steps", distinct=True), steps_now=Count("steps", distinct=True)
    ).order_by("code")
    if department is not None:
        items = items.filter(department=department)
    if item is not None:
        items = items.filter(pk=item.pk)
    rows = [_row(it) for it in items]
    total = _total(rows)
    return {"items": rows, "total": total, "headline": headline(total)}


def _row(item: ServiceItem) -> dict:
    has_baseline = item.steps_before > 0
    return {
        "code": item.code, "name": item.name, "item_type": item.item_type,
        "department": {"code": item.department.code, "name": item.department.name},
        "steps_before": item.steps_before if has_baseline else None, "steps_now": item.steps_now,
        "steps_removed": max(item.steps_before - item.steps_now, 0) if has_baseline else None,
        "baseline_limit_days": item.baseline_limit_days,
        "legal_limit_days": item.legal_limit_days, "promised_limit_days": item.promised_limit_days,
        "compression_rate": rate(item.legal_limit_days - item.promised_limit_days, item.legal_limit_days),
        "max_visits": item.max_visits,
    }


def _total(rows: list[dict]) -> dict:
    legal = sum(r["legal_limit_days"] for r in rows)
    licensing = [r for r in rows if r["item_type"] == ItemType.LICENSING]
    return {
        "items": len(rows),
        "steps_before": sum(r["steps_before"] for r in rows if r["steps_before"] is not None),
        "steps_now": sum(r["steps_now"] for r in rows),
        "steps_removed": sum(r["steps_removed"] or 0 for r in rows),
        "legal_limit_days": legal,
        "promised_limit_days": sum(r["promised_limit_days"] for r in rows),
        "promised_compression_rate": rate(legal - sum(r["promised_limit_days"] for r in rows), legal),
        "zero_visit_items": sum(1 for r in rows if r["max_visits"] == 0),
        "at_most_one_visit_items": sum(1 for r in rows if r["max_visits"] <= 1),
        "licensing_items": len(licensing),
        "licensing_at_most_one_visit_rate": rate(sum(1 for r in licensing if r["max_visits"] <= 1), len(licensing)),
    }


def headline(total: dict) -> str:
    """The district's headline, e.g. "132 steps removed, limits compressed by 50 %, 100 % of ..."."""
    return _("%(steps)s steps removed, time limits compressed by %(compression)s %%, %(visits)s %% of "
             "administrative licensing items need at most one visit") % {
        "steps": total["steps_removed"], "compression": _percent(total["promised_compression_rate"]),
        "visits": _percent(total["licensing_at_most_one_visit_rate"])}


def _percent(fraction: float | None) -> str:
    return "–" if fraction is None else f"{fraction * 100:.0f}"
