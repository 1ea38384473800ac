"""Every figure against values computed by hand from the history in conftest.py."""

from datetime import date

import pytest

from apps.analytics.figures import figures, step_figures
from apps.analytics.filters import Scope
from apps.analytics.spans import Histogram

pytestmark = pytest.mark.django_db

SEPT_OCT = Scope(date_from=date(2025, 9, 1), date_to=date(2025, 10, 31))


def test_district_figures(history):
    f = figures(SEPT_OCT)[()]
    assert (f["submitted"], f["accepted"], f["decided"], f["deemed_accepted"]) == (7, 5, 4, 1)
    # Working days 3, 1, 6 (paused days excluded), 15; a3 was late.
    assert f["on_time_rate"] == 0.75
    assert f["within_legal_rate"] == 1.0
    assert (f["avg_working_days"], f["median_working_days"], f["p90_working_days"]) == (6.25, 4.5, 15)
    assert (f["avg_promised_limit_days"], f["avg_legal_limit_days"]) == (6.25, 20.0)
    # (20 - 5) + (20 - 10) over 20 + 20.
    assert f["promised_compression_rate"] == 0.625
    # Not withdrawn: a1, a4, a5, a7 no visit, a3 one, a2 two (over item A's one).
    assert f["visits"] == {"applications": 6, "zero": 4, "one": 1, "two_or_more": 1, "over_limit": 1}
    assert (f["zero_visit_rate"], f["at_most_one_visit_rate"]) == (0.6667, 0.8333)
    assert (f["overdue_open"], f["warning_open"]) == (1, 0)
    assert (f["satisfaction_rate"], f["rated"], f["bad_ratings"]) == (0.6667, 3, 1)
    assert f["rectifications"] == {"answered_on_time": 1, "answered_late": 0, "open_in_time": 0,
                                   "open_overdue": 0}
    assert (f["second_notices"], f["extensions"], f["late_deliveries"]) == (1, 1, 1)


def test_figures_by_department(history, department, other_department):
    by = figures(SEPT_OCT, "department")
    samr, health = by[(department.pk,)], by[(other_department.pk,)]
    assert (samr["decided"], samr["avg_working_days"], samr["on_time_rate"]) == (3, 3.33, 0.6667)
    assert (samr["second_notices"], samr["extensions"], samr["bad_ratings"]) == (1, 0, 1)
    assert (health["decided"], health["avg_working_days"], health["on_time_rate"]) == (1, 15.0, 1.0)
    assert (health["deemed_accepted"], health["extensions"], health["late_deliveries"]) == (1, 1, 1)
    assert (samr["promised_compression_rate"], health["promised_compression_rate"]) == (0.75, 0.5)


def test_figures_by_item_match_the_departments_here(history, item, item_b):
    by = figures(SEPT_OCT, "service_item")
    assert by[(item.pk,)]["submitted"] == 5 and by[(item_b.pk,)]["submitted"] == 2


def test_period_narrows_each_figure_by_its_own_moment(history):
    f = figures(Scope(date_from=date(2025, 9, 1), date_to=date(2025, 9, 30)))[()]
    # a2 was submitted and accepted on 30 September but decided in October.
    assert (f["submitted"], f["accepted"], f["decided"]) == (7, 5, 3)
    assert (f["avg_working_days"], f["rated"]) == (8.0, 2)
    assert figures(Scope(date_from=date(2025, 11, 1)))[()]["decided"] == 0


def test_hall_and_item_filters(history, hall, other_hall, item_b):
    assert figures(Scope(hall=other_hall))[()]["submitted"] == 0
    # Accepted or sent a notice at the hall's window; a5 (deemed) and a6 (withdrawn online) never came there.
    assert figures(Scope(hall=hall))[()]["submitted"] == 5
    assert figures(Scope(item=item_b))[()]["decided"] == 1


def test_step_figures_show_which_step_eats_the_time(history):
    rows = {(r["department"], r["step"]): r for r in step_figures(SEPT_OCT)}
    review = rows[("SAMR", "审查")]
    assert (review["finished"], review["avg_allotted_days"]) == (3, 3.0)
    assert (review["avg_working_days"], review["median_working_days"], review["p90_working_days"]) == (3.0, 2.0, 6)
    assert review["on_time_rate"] == 0.6667
    decision = rows[("SAMR", "决定")]
    assert (decision["avg_working_days"], decision["p90_working_days"], decision["on_time_rate"]) == (0.33, 1, 1.0)
    health = rows[("HEALTH", "审查")]
    assert (health["finished"], health["avg_working_days"], health["on_time_rate"]) == (1, 15.0, 0.0)
    assert (health["open"], health["overdue_open"]) == (1, 1)
    assert ("HEALTH", "决定") not in rows


def test_histogram_statistics():
    histogram = Histogram(counts={1: 1, 2: 2, 10: 1})
    assert (histogram.mean(), histogram.median(), histogram.percentile(90), histogram.percentile(50)) == \
        (3.75, 2.0, 10, 2)
    assert Histogram().mean() is None and Histogram().median() is None
