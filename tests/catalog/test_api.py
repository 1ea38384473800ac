"""The public catalogue API (API.md, "Catalogue (public read)")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog.models import ItemType, Material, ServiceItem, StepTemplate
from apps.catalog.services import publish_item
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/service-items/"
LIST_FIELDS = {"code", "name", "item_type", "department", "promised_limit_days", "legal_limit_days",
               "max_visits", "online", "instant"}
CONTRACT_FIELDS = {"code", "name", "item_type", "department", "legal_basis", "conditions", "process", "fee",
                   "legal_limit_days", "promised_limit_days", "max_visits", "online", "instant", "materials",
                   "steps"}
EXTRA_FIELDS = {"item_type_display", "fee_basis", "visit_reason", "result_name", "consultation_phone",
                "complaint_phone", "faq", "version", "published_at"}


def detail_url(code):
    return f"{LIST_URL}{code}/"


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_list_rows_have_the_contract_fields(api_client):
    item = ServiceItemFactory(code="000104002000", name="食品经营许可", max_visits=1, visit_reason="现场核查")

    response = api_client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    [row] = body["results"]
    assert set(row) == LIST_FIELDS
    assert row == {
        "code": "000104002000", "name": "食品经营许可", "item_type": "licensing",
        "department": {"code": item.department.code, "name": item.department.name},
        "promised_limit_days": 5, "legal_limit_days": 20, "max_visits": 1, "online": True, "instant": False,
    }


def test_detail_has_the_contract_fields_from_the_current_version(api_client):
    item = ServiceItemFactory(code="000104002000", fee="按件收费", consultation_phone="0755-12345678")
    version = item.current_version

    response = api_client.get(detail_url(item.code))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == CONTRACT_FIELDS | EXTRA_FIELDS
    assert body["code"] == "000104002000"
    assert body["department"] == {"code": item.department.code, "name": item.department.name}
    assert (body["fee"], body["consultation_phone"], body["version"]) == ("按件收费", "0755-12345678", 1)
    assert body["item_type_display"] == str(ItemType.LICENSING.label)
    materials = list(version.materials.all())
    assert body["materials"] == [
        {"id": m.pk, "name": m.name, "original": m.original, "copies": m.copies, "required": m.required,
         "notes": m.notes} for m in materials
    ]
    assert all({"id", "name", "original", "copies", "required"} <= set(m) for m in body["materials"])
    assert [{k: s[k] for k in ("order", "name", "allotted_days")} for s in body["steps"]] == [
        {"order": 1, "name": "审查", "allotted_days": 3}, {"order": 2, "name": "决定", "allotted_days": 2}]


def test_detail_shows_the_published_version_not_unpublished_edits(api_client):
    item = ServiceItemFactory(promised_limit_days=5)
    ServiceItem.objects.filter(pk=item.pk).update(name="草稿名称", promised_limit_days=4)

    body = api_client.get(detail_url(item.code)).json()

    assert (body["name"], body["promised_limit_days"]) == (item.name, 5)


def test_a_step_without_a_department_is_handled_by_the_items_department(api_client):
    item = ServiceItemFactory(promised_limit_days=5)
    other = DepartmentFactory(code="GT", name="规划和自然资源局")
    StepTemplate.objects.filter(item=item, order=2).update(department=other)
    publish_item(item=item)

    steps = api_client.get(detail_url(item.code)).json()["steps"]

    assert [s["department"] for s in steps] == [
        {"code": item.department.code, "name": item.department.name}, {"code": "GT", "name": "规划和自然资源局"}]


def test_list_is_ordered_by_code_and_leaves_out_inactive_and_unpublished_items(api_client):
    ServiceItemFactory(code="0003")
    ServiceItemFactory(code="0001")
    ServiceItemFactory(code="0002", active=False)
    ServiceItem.objects.create(code="0004", name="未发布", item_type="licensing", department=DepartmentFactory(),
                               legal_basis="-", conditions="-", process="-", legal_limit_days=10,
                               promised_limit_days=5, max_visits=0)

    assert codes(api_client.get(LIST_URL)) == ["0001", "0003"]


@pytest.mark.parametrize("code", ["NO-SUCH-ITEM", "0002", "0004"])
def test_detail_of_an_unknown_inactive_or_unpublished_item_is_404(api_client, code):
    ServiceItemFactory(code="0002", active=False)
    ServiceItem.objects.create(code="0004", name="未发布", item_type="licensing", department=DepartmentFactory(),
                               legal_basis="-", conditions="-", process="-", legal_limit_days=10,
                               promised_limit_days=5, max_visits=0)

    assert api_client.get(detail_url(code)).status_code == 404


@pytest.mark.parametrize(("term", "expected"), [
    ("食品", ["0001", "0002"]),       # part of the name
    ("经营许可", ["0001"]),
    ("0003", ["0003"]),              # the code
    ("00", ["0001", "0002", "0003"]),
    ("ab-", ["AB-9"]),               # the code, any case
    ("没有", []),
])
def test_search_by_name_or_code(api_client, term, expected):
    ServiceItemFactory(code="0001", name="食品经营许可")
    ServiceItemFactory(code="0002", name="食品生产许可")
    ServiceItemFactory(code="0003", name="药品零售许可")
    ServiceItemFactory(code="AB-9", name="户籍证明")

    assert codes(api_client.get(LIST_URL, {"search": term})) == expected


@pytest.mark.parametrize(("params", "expected"), [
    ({"department": "SC"}, ["0001", "0002"]),
    ({"department": "NONE"}, []),
    ({"item_type": "confirmation"}, ["0002"]),
    ({"max_visits": 1}, ["0002"]),
    ({"max_visits": 0}, ["0001", "0003"]),
    ({"online": "false"}, ["0002"]),
    ({"instant": "true"}, ["0003"]),
    ({"department": "SC", "max_visits": 0}, ["0001"]),
])
def test_filters(api_client, params, expected):
    market = DepartmentFactory(code="SC", name="市场监督管理局")
    ServiceItemFactory(code="0001", department=market)
    ServiceItemFactory(code="0002", department=market, item_type="confirmation", max_visits=1,
                       visit_reason="核验原件", online=False)
    ServiceItemFactory(code="0003", instant=True, promised_limit_days=0)

    assert codes(api_client.get(LIST_URL, params)) == expected


@pytest.mark.parametrize(("params", "field"), [
    ({"max_visits": "abc"}, "max_visits"),
    ({"max_visits": "1.5"}, "max_visits"),
    ({"max_visits": "-1"}, "max_visits"),
    ({"item_type": "nonsense"}, "item_type"),
])
def test_a_bad_filter_value_is_400_with_a_field_message(api_client, params, field):
    ServiceItemFactory()

    response = api_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_pagination(api_client):
    for n in range(25):
        ServiceItemFactory(code=f"{n:04d}")

    first = api_client.get(LIST_URL).json()
    second = api_client.get(first["next"]).json()
    small = api_client.get(LIST_URL, {"page_size": 5, "page": 2}).json()

    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    assert codes_of(second) == [f"{n:04d}" for n in range(20, 25)] and second["next"] is None
    assert codes_of(small) == [f"{n:04d}" for n in range(5, 10)]
    assert api_client.get(LIST_URL, {"page": 9}).status_code == 404


def codes_of(body):
    return [row["code"] for row in body["results"]]


def test_anyone_may_read_even_with_a_stale_token(api_client):
    item = ServiceItemFactory()
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api_client.get(LIST_URL).status_code == 200
    assert api_client.get(detail_url(item.code)).status_code == 200


def count_queries(api_client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_the_same_number_of_queries_for_2_or_20_items(api_client):
    for n in range(2):
        ServiceItemFactory(code=f"A{n:03d}")
    few = count_queries(api_client, LIST_URL)
    for n in range(18):
        ServiceItemFactory(code=f"B{n:03d}", department=DepartmentFactory())
    many = count_queries(api_client, LIST_URL)

    assert few == many <= 2


def test_the_detail_takes_the_same_number_of_queries_for_2_or_20_materials_and_steps(api_client):
    small = ServiceItemFactory(code="SMALL", promised_limit_days=5)
    big = ServiceItemFactory(code="BIG", legal_limit_days=20, promised_limit_days=20)
    StepTemplate.objects.filter(item=big).delete()
    for n in range(1, 21):
        Material.objects.create(item=big, order=n + 2, name=f"材料{n}")
        StepTemplate.objects.create(item=big, order=n, name=f"环节{n}", allotted_days=1,
                                    department=DepartmentFactory() if n % 2 else None)
    publish_item(item=big)

    few = count_queries(api_client, detail_url(small.code))
    many = count_queries(api_client, detail_url(big.code))

    assert few == many == 4  # the current version's key, then the version, its materials, its steps
    assert count_queries(api_client, detail_url(big.code)) == 1  # rendered once, then read from the cache
