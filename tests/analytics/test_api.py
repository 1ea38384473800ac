"""The statistics API: who may ask, what bad input gets, the exports, and the cost in queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from apps.applications import services
from tests.factories import ServiceItemFactory, hand_in_materials
from tests.helpers import at

from .conftest import PERIOD

pytestmark = pytest.mark.django_db
OVERVIEW = "/api/v1/stats/overview/"
ENDPOINTS = ["/api/v1/stats/overview/", "/api/v1/stats/service-items/", "/api/v1/stats/departments/",
             "/api/v1/stats/steps/", "/api/v1/stats/reform/", "/api/v1/stats/over-visit-limit/",
             "/api/v1/stats/trend/", "/api/v1/stats/applications/"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_anonymous_gets_401_and_other_roles_403(path, as_user, citizen, clerk, approver):
    assert APIClient().get(path).status_code == 401
    for user in (citizen, clerk, approver):
        assert as_user(user).get(path).status_code == 403


def test_overview_has_the_contract_fields_as_fractions(history, as_user, district_manager):
    response = as_user(district_manager).get(OVERVIEW, PERIOD)
    assert response.status_code == 200
    body = response.json()
    contract = {"submitted", "accepted", "decided", "on_time_rate", "avg_working_days", "promised_compression_rate",
                "at_most_one_visit_rate", "zero_visit_rate", "overdue_open", "warning_open", "satisfaction_rate"}
    assert contract <= body.keys()
    assert (body["submitted"], body["decided"], body["on_time_rate"], body["avg_working_days"]) == (7, 4, 0.75, 6.25)
    assert all(0 <= body[k] <= 1 for k in contract if k.endswith("_rate"))


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2025-13-01"}, "date_from"),
    ({"date_from": "yesterday"}, "date_from"),
    ({"date_from": "2025-10-01", "date_to": "2025-09-01"}, "date_to"),
    ({"department": "NOPE"}, "department"),
    ({"hall": "NOPE"}, "hall"),
    ({"item": "NOPE"}, "item"),
])
def test_bad_filters_get_400_naming_the_field(params, field, as_user, district_manager):
    response = as_user(district_manager).get(OVERVIEW, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_department_manager_sees_only_their_department(history, as_user, manager, department, other_department):
    client = as_user(manager)
    own = client.get(OVERVIEW, PERIOD).json()
    assert (own["submitted"], own["decided"], own["extensions"]) == (5, 3, 0)
    assert client.get(OVERVIEW, {"department": other_department.code}).status_code == 403
    assert client.get(OVERVIEW, {"department": department.code}).status_code == 200
    items = client.get("/api/v1/stats/service-items/", PERIOD).json()
    assert [row["department"]["code"] for row in items] == ["SAMR"]
    assert {row["department"] for row in client.get("/api/v1/stats/steps/", PERIOD).json()} == {"SAMR"}
    assert [row["code"] for row in client.get("/api/v1/stats/reform/").json()["items"]] == ["000104002000"]


def test_service_items_and_departments_rows(history, as_user, district_manager):
    client = as_user(district_manager)
    items = {row["code"]: row for row in client.get("/api/v1/stats/service-items/", PERIOD).json()}
    assert items["000104002000"]["decided"] == 3 and items["000201001000"]["decided"] == 1
    departments = {row["code"]: row for row in client.get("/api/v1/stats/departments/", PERIOD).json()}
    assert departments["HEALTH"]["late_deliveries"] == 1 and departments["SAMR"]["second_notices"] == 1


def test_reform_ledger_and_headline(history, as_user, district_manager, item):
    item.baseline_steps.create(order=1, name="初审", allotted_days=10)
    item.baseline_steps.create(order=2, name="复审", allotted_days=10)
    item.baseline_steps.create(order=3, name="审核", allotted_days=5)
    item.baseline_steps.create(order=4, name="决定", allotted_days=5)
    body = as_user(district_manager).get("/api/v1/stats/reform/").json()
    row = next(r for r in body["items"] if r["code"] == item.code)
    assert (row["steps_before"], row["steps_now"], row["steps_removed"], row["compression_rate"]) == (4, 2, 2, 0.75)
    assert body["total"]["steps_removed"] == 2 and body["total"]["promised_compression_rate"] == 0.625
    assert body["total"]["licensing_at_most_one_visit_rate"] == 1.0
    assert "2" in body["headline"] and "62" in body["headline"] and "100" in body["headline"]


def test_over_visit_limit_lists_the_application_with_hall_and_clerk(history, as_user, district_manager):
    body = as_user(district_manager).get("/api/v1/stats/over-visit-limit/", PERIOD).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["tracking_number"], row["visits"], row["max_visits"]) == (history["a2"].tracking_number, 2, 1)
    assert row["last_visit_hall"] == "区政务服务中心" and row["last_visit_clerk"]


def test_csv_export_reads_back_in_excel_encoding(history, as_user, district_manager):
    response = as_user(district_manager).get("/api/v1/stats/service-items/", {**PERIOD, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["code"]: row["decided"] for row in rows} == {"000104002000": "3", "000201001000": "1"}
    assert rows[0]["department.name"] == "市场监督管理局"


def test_xlsx_export_opens_as_a_workbook(history, as_user, district_manager):
    response = as_user(district_manager).get("/api/v1/stats/over-visit-limit/", {**PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert "tracking_number" in header and len(rows) == 1
    assert rows[0][header.index("visits")] == 2


def test_export_of_a_refusal_is_still_a_refusal_in_json(as_user, citizen):
    response = as_user(citizen).get(OVERVIEW, {"format": "csv"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json" and "Content-Disposition" not in response
    assert response.json()["detail"]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_bad_filters_of_an_export_answer_field_messages_in_json(as_user, district_manager, export):
    response = as_user(district_manager).get("/api/v1/stats/trend/", {"date_from": "not a date", "format": export})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "date_from" in response.json()


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, {**PERIOD, "figure": "decided"}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_queries_do_not_grow_with_the_data(path, history, as_user, district_manager, citizen, clerk):
    client = as_user(district_manager)
    before = _queries(client, path)
    for code in ("000300000001", "000300000002"):
        more = services.submit_application(actor=citizen, item=ServiceItemFactory(code=code, max_visits=0),
                                           channel="online", delivery_method="electronic", now=at(2025, 9, 8, 10))
        hand_in_materials(more, clerk, at(2025, 9, 8, 10))
        services.accept_application(application_id=more.pk, actor=clerk, now=at(2025, 9, 8, 10))
        services.record_visit(application_id=more.pk, clerk=clerk, purpose="consult", now=at(2025, 9, 8, 11))
    # At most 15: the days the rollup holds and those changed since (one query), the rolled-up counters and
    # histograms (two), the same counted from the applications for the other days (six), what is counted as of
    # now (three), the catalogue's limits, the keys of every item or department, the items' names.
    assert _queries(client, path) == before <= 15


FIGURES_WITH_LISTS = ["submitted", "accepted", "decided", "deemed_accepted", "overdue_open", "warning_open",
                      "late_deliveries", "second_notices", "extensions", "bad_ratings"]


def test_every_figure_can_be_followed_to_its_applications(history, as_user, district_manager):
    client = as_user(district_manager)
    overview = client.get(OVERVIEW, PERIOD).json()
    for figure in FIGURES_WITH_LISTS:
        listed = client.get("/api/v1/stats/applications/", {**PERIOD, "figure": figure}).json()
        assert listed["count"] == overview[figure], figure
    late = client.get("/api/v1/stats/applications/", {**PERIOD, "figure": "late"}).json()
    assert [row["tracking_number"] for row in late["results"]] == [history["a3"].tracking_number]
    assert overview["decided"] - late["count"] == overview["on_time_rate"] * overview["decided"]


def test_drill_down_needs_a_known_figure_and_keeps_the_department(history, as_user, district_manager, manager):
    assert as_user(district_manager).get("/api/v1/stats/applications/", {"figure": "nope"}).status_code == 400
    assert as_user(district_manager).get("/api/v1/stats/applications/").status_code == 400
    rows = as_user(manager).get("/api/v1/stats/applications/", {"figure": "submitted", "page_size": 100}).json()
    assert {row["department"] for row in rows["results"]} == {"SAMR"}


def test_trend_month_by_month(history, as_user, district_manager):
    rows = as_user(district_manager).get("/api/v1/stats/trend/", PERIOD).json()
    assert rows == [
        {"month": "2025-09", "submitted": 7, "decided": 3, "on_time_rate": 0.6667, "avg_working_days": 8.0,
         "median_working_days": 6.0, "p90_working_days": 15},
        {"month": "2025-10", "submitted": 0, "decided": 1, "on_time_rate": 1.0, "avg_working_days": 1.0,
         "median_working_days": 1.0, "p90_working_days": 1},
    ]
