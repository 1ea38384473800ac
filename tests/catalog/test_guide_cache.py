"""A published guide is rendered once per version and language, and a newly published one is served at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.catalog.models import ItemVersion
from apps.catalog.services import publish_item
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def read(api_client, code, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(f"/api/v1/service-items/{code}/", headers=headers)
    assert response.status_code == 200
    return response.json(), len(queries)


def test_a_second_read_is_the_same_guide_from_the_cache_in_one_query(api_client):
    ServiceItemFactory(code="000104002000", name="食品经营许可")
    first, rendering = read(api_client, "000104002000")
    again, cached = read(api_client, "000104002000")
    assert again == first
    assert (rendering, cached) == (4, 1)


def test_an_unused_version_republished_in_place_is_served_at_once(api_client):
    item = ServiceItemFactory(code="000104002000", fee="不收费")
    before, _queries = read(api_client, item.code)
    item.fee = "每件 10 元"
    item.save()
    publish_item(item=item)
    after, _queries = read(api_client, item.code)
    assert (before["fee"], after["fee"]) == ("不收费", "每件 10 元")
    assert after["version"] == before["version"]


def test_a_new_version_is_served_once_published_and_the_used_one_stays_as_it_was(api_client):
    item = ServiceItemFactory(code="000104002000", promised_limit_days=5)
    first, _queries = read(api_client, item.code)
    ItemVersion.objects.filter(pk=item.current_version_id).update(frozen_at=timezone.now())  # an application used it
    item.promised_limit_days = 8
    item.save()
    publish_item(item=item)
    second, _queries = read(api_client, item.code)
    assert (first["version"], first["promised_limit_days"]) == (1, 5)
    assert (second["version"], second["promised_limit_days"]) == (2, 8)


def test_a_renamed_department_shows_in_the_cached_guide(api_client):
    item = ServiceItemFactory(code="000104002000")
    read(api_client, item.code)
    item.department.name = "区市场监督管理局（新）"
    item.department.save()
    guide, _queries = read(api_client, item.code)
    assert guide["department"]["name"] == "区市场监督管理局（新）"
    assert guide["steps"][0]["department"]["name"] == "区市场监督管理局（新）"


def test_each_language_has_its_own_rendering(api_client):
    item = ServiceItemFactory(code="000104002000", item_type="licensing")
    english, _queries = read(api_client, item.code, **{"Accept-Language": "en"})
    chinese, _queries = read(api_client, item.code, **{"Accept-Language": "zh-hans"})
    assert english["item_type_display"] != chinese["item_type_display"]
    again, queries = read(api_client, item.code, **{"Accept-Language": "en"})
    assert (again, queries) == (english, 1)
