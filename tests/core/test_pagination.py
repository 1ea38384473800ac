"""List counts: exact for ordinary results, estimated above a limit, and every page still reachable."""

import pytest
from django.db import connection

from apps.core.api.pagination import EstimatingPaginator
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/service-items/"


def walk(api_client, page_size):
    """Every code, following `next` from the first page; and the first page's count."""
    body = api_client.get(LIST, {"page_size": page_size}).json()
    count, codes = body["count"], [row["code"] for row in body["results"]]
    while body["next"]:
        body = api_client.get(body["next"]).json()
        codes += [row["code"] for row in body["results"]]
    return count, codes


def test_up_to_the_limit_the_count_is_exact_and_a_page_past_the_end_is_404(api_client, monkeypatch):
    monkeypatch.setattr(EstimatingPaginator, "exact_count_limit", 5)
    for n in range(5):
        ServiceItemFactory(code=f"E{n:03d}")
    count, codes = walk(api_client, page_size=2)
    assert (count, codes) == (5, [f"E{n:03d}" for n in range(5)])
    assert api_client.get(LIST, {"page_size": 2, "page": 4}).status_code == 404


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's planner's")
def test_above_the_limit_the_count_is_an_estimate_and_every_row_is_still_reachable(api_client, monkeypatch):
    monkeypatch.setattr(EstimatingPaginator, "exact_count_limit", 5)
    for n in range(12):
        ServiceItemFactory(code=f"E{n:03d}")
    count, codes = walk(api_client, page_size=5)
    assert count > 5  # never below what was counted exactly
    assert codes == [f"E{n:03d}" for n in range(12)]
    past = api_client.get(LIST, {"page_size": 5, "page": 40})
    assert (past.status_code, past.json()["results"]) == (200, [])
    assert api_client.get(LIST, {"page_size": 5, "page": 10**30}).status_code == 404


def test_without_the_postgresql_planner_the_count_stays_exact_above_the_limit(api_client, monkeypatch):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL estimates")
    monkeypatch.setattr(EstimatingPaginator, "exact_count_limit", 5)
    for n in range(7):
        ServiceItemFactory(code=f"E{n:03d}")
    count, codes = walk(api_client, page_size=5)
    assert (count, len(codes)) == (7, 7)
