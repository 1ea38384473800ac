"""The managers' dashboard and the public statistics page: reads through the analytics selectors.

Every figure links to the applications behind it, and every table to its CSV and XLSX export
(the API's own `?format=`), with the same filters.
"""

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.analytics import figures, lists, reform
from apps.analytics.filters import Scope, scope_for
from apps.analytics.models import AuditCheck
from apps.applications.audit import verify_chain
from apps.applications.selectors import visible_applications
from apps.catalog.models import Department
from apps.core.pages import render_page
from apps.counter.access import workbench_view

from . import charts

FILTER_NAMES = ("date_from", "date_to", "department", "hall", "item")


def _query(request) -> str:
    """The filters of this request, to carry into links and exports."""
    return urlencode({k: v for k, v in request.GET.items() if k in FILTER_NAMES and v})


def _filter_context(request, filterset) -> dict:
    """What the filter form needs on every page."""
    return {"filterset": filterset, "query": _query(request), "district_manager": request.user.department_id is None,
            "departments": Department.objects.order_by("code")}


def _figure_names() -> dict:
    return {"submitted": _("Submitted"), "accepted": _("Accepted"), "decided": _("Decided"),
            "late": _("Decided late"), "deemed_accepted": _("Deemed accepted"), "overdue_open": _("Overdue now"),
            "warning_open": _("Warnings now"), "late_deliveries": _("Late deliveries"),
            "second_notices": _("Second correction notices"), "extensions": _("Extensions"),
            "bad_ratings": _("Bad ratings"), "over_visit_limit": _("Over the item's limit")}


def _chart_rows(overview: dict) -> dict:
    return {
        "times": charts.horizontal_bars([
            (_("Mean"), overview["avg_working_days"], "measured"),
            (_("Median"), overview["median_working_days"], "measured"),
            (_("90th percentile"), overview["p90_working_days"], "measured"),
            (_("Promised limit (mean)"), overview["avg_promised_limit_days"], "limit"),
            (_("Legal limit (mean)"), overview["avg_legal_limit_days"], "limit"),
        ]),
        "visits": charts.horizontal_bars([
            (_("No visit"), overview["visits"]["zero"], "measured"),
            (_("One visit"), overview["visits"]["one"], "measured"),
            (_("Two or more"), overview["visits"]["two_or_more"], "bad"),
            (_("Over the item's limit"), overview["visits"]["over_limit"], "bad"),
        ]),
        "ratings": charts.horizontal_bars([
            (_("Satisfied (top three levels)"), overview["rated"] - overview["bad_ratings"], "measured"),
            (_("Bad ratings"), overview["bad_ratings"], "bad"),
            (_("Answered on time"), overview["rectifications"]["answered_on_time"], "measured"),
            (_("Answered late"), overview["rectifications"]["answered_late"], "bad"),
            (_("Open and overdue"), overview["rectifications"]["open_overdue"], "bad"),
        ]),
    }


def _step_chart(steps: list[dict]) -> dict:
    slowest = sorted((s for s in steps if s["avg_working_days"] is not None),
                     key=lambda s: -s["avg_working_days"])[:6]
    rows = []
    for s in slowest:
        rows.append((f"{s['department']} · {s['step']}", s["avg_working_days"], "measured"))
        rows.append((_("allotted"), s["avg_allotted_days"], "limit"))
    return charts.horizontal_bars(rows)


@workbench_view(Role.MANAGER)
def home(request):
    """看板: the figures for the chosen period and place, with the district → department → item drill-down."""
    filterset, scope = scope_for(request.user, request.GET)
    context = {"nav": "dashboard", **_filter_context(request, filterset)}
    if scope is not None:
        overview = figures.figures(scope)[()]
        steps = figures.step_figures(scope)
        trend = figures.trend(scope)
        context.update({
            "scope": scope, "overview": overview, "steps": steps, "trend": trend,
            "department_rows": figures.department_rows(scope) if scope.department is None else [],
            "item_rows": figures.item_rows(scope),
            "ledger": reform.reform_ledger(department=scope.department, item=scope.item),
            "overdue": lists.applications_behind(scope, "overdue_open")[:10],
            "warning": lists.applications_behind(scope, "warning_open")[:10],
            "trend_chart": charts.trend(trend), "step_chart": _step_chart(steps), **_chart_rows(overview),
        })
    return render_page(request, "dashboard/home.html", context)


@workbench_view(Role.MANAGER)
def applications(request):
    """The applications behind one figure, 50 to a page."""
    figure = request.GET.get("figure", "")
    names = _figure_names()
    if figure not in names:
        raise Http404
    filterset, scope = scope_for(request.user, request.GET)
    context = {"nav": "dashboard", "figure": figure, "figure_name": names[figure],
               **_filter_context(request, filterset)}
    if scope is not None:
        rows = lists.over_visit_limit(scope) if figure == "over_visit_limit" else \
            lists.applications_behind(scope, figure)
        context["page"] = Paginator(rows, 50).get_page(request.GET.get("page"))
        context["export"] = (reverse("stats-over-visit-limit") + "?" if figure == "over_visit_limit" else
                             reverse("stats-applications") + f"?figure={figure}&")
    return render_page(request, "dashboard/applications.html", context)


@workbench_view(Role.MANAGER)
def audit(request):
    """An application's audit trail with its chain check; the whole-database check for district managers."""
    number = request.GET.get("application", "").strip()
    context = {"nav": "audit", "number": number, "district_manager": request.user.department_id is None,
               "check": AuditCheck.objects.select_related("started_by").first()}
    if number:
        application = visible_applications(request.user).filter(tracking_number=number).first()
        context["application"] = application
        if application is not None:
            events = list(application.events.select_related("actor").order_by("seq"))
            context.update({"events": events, "broken": verify_chain(application, events)})
    return render_page(request, "dashboard/audit.html", context, parts={"check": "dashboard/parts/check.html"})


def _month(value: str) -> date:
    """The first day of a `YYYY-MM` month, or of last month when it is missing or malformed."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)


def public_stats(request):
    """信息公开: the district's figures for one month, by department, and the reform headline. No personal data."""
    first = _month(request.GET.get("month", ""))
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    scope = Scope(date_from=first, date_to=last)
    return render(request, "dashboard/public_stats.html", {
        "month": f"{first:%Y-%m}", "first": first, "last": last, "district": figures.figures(scope)[()],
        "department_rows": figures.department_rows(scope),
        "headline": reform.reform_ledger()["headline"]})


