"""The administrator's catalogue: forms refuse bad items with a message, saving publishes."""

import pytest
from django.db import transaction
from django.urls import reverse

from apps.catalog.models import Hall, ItemContent, ItemVersion, ServiceItem, Window
from apps.catalog.services import publish_item, use_current_version
from tests.factories import DepartmentFactory, HallFactory, ServiceItemFactory, WindowFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:catalog_serviceitem_add")


@pytest.fixture
def admin(admin_client):
    """The admin in English, so that messages can be asserted in their source text."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def change_url(obj):
    return reverse(f"admin:catalog_{obj._meta.model_name}_change", args=[obj.pk])


def inline(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def checkbox(value: bool) -> dict:
    return "on" if value else ""


def item_form(department, materials=None, steps=None, baseline=(), **fields):
    values = {
        "code": "000104002000", "name": "食品经营许可", "item_type": "licensing", "department": department.pk,
        "active": True, "legal_basis": "《食品安全法》", "conditions": "有与经营相适应的场所。",
        "process": "申请、受理、审查、决定。", "result_name": "食品经营许可证", "faq": "", "legal_limit_days": 20,
        "promised_limit_days": 5, "instant": False, "max_visits": 0, "visit_reason": "", "online": True,
        "fee": "不收费", "fee_basis": "", "consultation_phone": "", "complaint_phone": "",
        "warning_workdays_left": 1, "warning_percent_used": 80, "baseline_limit_days": 20, **fields,
    }
    data = {key: value for key, value in values.items() if value is not False}
    data = {key: ("on" if value is True else value) for key, value in data.items()}
    if materials is None:
        materials = [{"order": 1, "name": "申请书", "original": "on", "copies": 1, "required": "on", "notes": ""}]
    if steps is None:
        steps = [{"order": 1, "name": "审查", "allotted_days": 3, "role": "approver"},
                 {"order": 2, "name": "决定", "allotted_days": 2, "role": "approver"}]
    return {**data, **inline("materials", materials), **inline("steps", steps),
            **inline("baseline_steps", list(baseline))}


def existing_item_form(item, **changes):
    """The change form of `item` as the browser would post it, with `changes` made."""
    fields = {name: getattr(item, name) for name in ItemContent.GUIDE_FIELDS if name != "department_id"}
    fields.update(code=item.code, active=item.active, baseline_limit_days=item.baseline_limit_days or "")
    data = item_form(item.department, **{**fields, **changes})
    materials = [{"id": m.pk, "item": item.pk, "order": m.order, "name": m.name, "original": checkbox(m.original),
                  "copies": m.copies, "required": checkbox(m.required), "notes": m.notes}
                 for m in item.materials.all()]
    steps = [{"id": s.pk, "item": item.pk, "order": s.order, "name": s.name, "allotted_days": s.allotted_days,
              "department": s.department_id or "", "role": s.role} for s in item.steps.all()]
    data.update(inline("materials", materials, initial=len(materials)))
    data.update(inline("steps", steps, initial=len(steps)))
    return data


def form_errors(response) -> str:
    """All error messages of the re-rendered page, for readable assertions."""
    context = response.context
    messages = [str(e) for errors in context["adminform"].form.errors.values() for e in errors]
    for formset in context["inline_admin_formsets"]:
        messages += [str(e) for e in formset.formset.non_form_errors()]
        messages += [str(e) for form_errors in formset.formset.errors for errors in form_errors.values()
                     for e in errors]
    return " | ".join(messages)


# -- changelists ----------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "query"), [
    ("department", {"q": "市场"}),
    ("hall", {"q": "大厅", "level__exact": "district"}),
    ("window", {"q": "01", "kind__exact": "comprehensive"}),
    ("serviceitem", {"q": "食品", "item_type__exact": "licensing", "online__exact": "1", "instant__exact": "0",
                     "max_visits": "0", "active__exact": "1"}),
    ("itemversion", {"q": "000104", "frozen_at__isempty": "1"}),
])
def test_changelists_search_and_filter(admin, model, query):
    market = DepartmentFactory(name="市场监督管理局")
    ServiceItemFactory(code="000104002000", name="食品经营许可", department=market)
    ServiceItemFactory(code="000201001000", name="户籍证明")
    WindowFactory(number="01")

    response = admin.get(reverse(f"admin:catalog_{model}_changelist"), query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_item_changelist_filters_by_department(admin):
    market = DepartmentFactory(name="市场监督管理局")
    ServiceItemFactory(code="0001", department=market)
    ServiceItemFactory(code="0002")

    response = admin.get(reverse("admin:catalog_serviceitem_changelist"), {"department__id__exact": market.pk})

    assert [item.code for item in response.context["cl"].result_list] == ["0001"]


# -- adding and editing an item ------------------------------------------------------------


def test_adding_an_item_with_materials_and_steps_publishes_version_1(admin):
    department = DepartmentFactory()

    response = admin.post(ADD_URL, item_form(department, baseline=[
        {"order": 1, "name": "初审", "allotted_days": 10}, {"order": 2, "name": "复审", "allotted_days": 10}]))

    assert response.status_code == 302, form_errors(response)
    item = ServiceItem.objects.get(code="000104002000")
    version = item.current_version
    assert version.number == 1 and version.name == "食品经营许可"
    assert list(version.materials.values_list("name", "original")) == [("申请书", True)]
    assert list(version.steps.values_list("order", "name", "allotted_days")) == [(1, "审查", 3), (2, "决定", 2)]
    assert item.baseline_steps.count() == 2


@pytest.mark.parametrize(("fields", "steps", "message"), [
    ({}, [{"order": 1, "name": "审查", "allotted_days": 4, "role": "approver"},
          {"order": 2, "name": "决定", "allotted_days": 2, "role": "approver"}],
     "The approval steps take 6 working days in all, more than the promised limit of 5."),
    ({}, [{"order": 1, "name": "审查", "allotted_days": 1, "role": "approver"},
          {"order": 1, "name": "决定", "allotted_days": 1, "role": "approver"}],
     "Please correct the duplicate data for order."),  # Django's own check, before ours
    ({}, [], "A promised item needs at least one approval step."),
    ({"promised_limit_days": 25}, None, "The promised limit (25 working days) cannot exceed the legal limit (20)."),
    ({"instant": True, "promised_limit_days": 3}, None, "its promised limit must be 0 working days."),
    ({"promised_limit_days": 0}, None, "A promised item needs a limit of at least 1 working day"),
    ({"max_visits": 1}, None, "Say why the applicant has to come in person"),
    ({"code": "0001 04"}, None, "An item code is made of letters, digits and hyphens."),
])
def test_a_bad_item_is_refused_in_the_form_and_nothing_is_saved(admin, fields, steps, message):
    response = admin.post(ADD_URL, item_form(DepartmentFactory(), steps=steps, **fields))

    assert response.status_code == 200
    assert message in form_errors(response)
    assert message in response.content.decode()
    assert not ServiceItem.objects.exists() and not ItemVersion.objects.exists()


def test_steps_are_not_checked_against_a_promised_limit_that_is_itself_wrong(admin):
    item = ServiceItemFactory(promised_limit_days=5)

    data = existing_item_form(item, promised_limit_days=25)
    data["steps-1-allotted_days"] = 5  # 8 days in all: more than the old limit, within the one typed

    response = admin.post(change_url(item), data)

    assert response.status_code == 200
    assert form_errors(response) == "The promised limit (25 working days) cannot exceed the legal limit (20)."


def test_a_duplicate_code_is_refused_in_the_form(admin):
    existing = ServiceItemFactory(code="000104002000")

    response = admin.post(ADD_URL, item_form(existing.department))

    assert response.status_code == 200
    assert "Service item with this Code already exists." in form_errors(response)
    assert ServiceItem.objects.count() == 1


def test_editing_an_unused_item_updates_version_1(admin):
    item = ServiceItemFactory(promised_limit_days=5)

    response = admin.post(change_url(item), existing_item_form(item, name="新名称"))

    assert response.status_code == 302, form_errors(response)
    assert list(ItemVersion.objects.filter(item=item).values_list("number", "name")) == [(1, "新名称")]


def test_editing_a_frozen_items_promised_limit_publishes_version_2(admin):
    item = ServiceItemFactory(legal_limit_days=20, promised_limit_days=5)
    with transaction.atomic():
        v1 = use_current_version(item=item)
    data = existing_item_form(item, promised_limit_days=8)
    data["steps-1-allotted_days"] = 5

    response = admin.post(change_url(item), data)

    assert response.status_code == 302, form_errors(response)
    item.refresh_from_db()
    assert item.current_version.number == 2
    assert item.current_version.promised_limit_days == 8
    assert list(item.current_version.steps.values_list("allotted_days", flat=True)) == [3, 5]
    v1.refresh_from_db()
    assert v1.promised_limit_days == 5
    assert list(v1.steps.values_list("allotted_days", flat=True)) == [3, 2]


@pytest.mark.parametrize("prefix", ["steps", "baseline_steps"])
def test_steps_can_be_swapped_in_one_save(admin, prefix):
    """(item, order) is unique: swapping two numbers must not collide halfway and fail."""
    item = ServiceItemFactory(promised_limit_days=5)
    item.baseline_steps.create(order=1, name="审查", allotted_days=10)
    item.baseline_steps.create(order=2, name="决定", allotted_days=10)
    data = existing_item_form(item)
    data.update(inline("baseline_steps", [
        {"id": s.pk, "item": item.pk, "order": s.order, "name": s.name, "allotted_days": s.allotted_days}
        for s in item.baseline_steps.all()], initial=2))
    data[f"{prefix}-0-order"], data[f"{prefix}-1-order"] = 2, 1

    response = admin.post(change_url(item), data)

    assert response.status_code == 302, form_errors(response)
    assert list(getattr(item, prefix).values_list("order", "name")) == [(1, "决定"), (2, "审查")]


def test_a_step_can_take_the_number_of_a_step_deleted_in_the_same_save(admin):
    item = ServiceItemFactory(promised_limit_days=5)
    data = existing_item_form(item)
    data["steps-0-order"], data["steps-1-DELETE"] = 2, "on"
    data["steps-0-allotted_days"] = 5

    response = admin.post(change_url(item), data)

    assert response.status_code == 302, form_errors(response)
    version = ServiceItem.objects.get(pk=item.pk).current_version
    assert list(version.steps.values_list("order", "name", "allotted_days")) == [(2, "审查", 5)]


def test_the_change_page_shows_the_version_history(admin):
    item = ServiceItemFactory()
    with transaction.atomic():
        use_current_version(item=item)
    item.name = "新名称"
    item.save()
    publish_item(item=item)

    page = admin.get(change_url(item)).content.decode()

    assert "frozen since" in page and "not used by any application yet" in page
    assert reverse("admin:catalog_itemversion_change", args=[item.current_version.pk]) in page


def test_an_item_cannot_be_deleted(admin):
    item = ServiceItemFactory()

    assert admin.post(reverse("admin:catalog_serviceitem_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    assert ServiceItem.objects.filter(pk=item.pk).exists()


# -- versions are read-only -------------------------------------------------------------------


def test_a_version_can_be_viewed_but_not_added_changed_or_deleted(admin):
    item = ServiceItemFactory()
    version = item.current_version

    page = admin.get(change_url(version))
    assert page.status_code == 200
    assert "申请表" in page.content.decode() and "审查" in page.content.decode()
    assert not page.context["has_change_permission"]
    assert admin.get(reverse("admin:catalog_itemversion_add")).status_code == 403
    assert admin.post(change_url(version), {"name": "改"}).status_code == 403
    assert admin.post(reverse("admin:catalog_itemversion_delete", args=[version.pk]), {"post": "yes"}).status_code \
        == 403
    assert ItemVersion.objects.get(pk=version.pk).name == item.name


# -- halls and windows ------------------------------------------------------------------------


def window_form(hall, kind, items=()):
    return {"hall": hall.pk, "number": "05", "name": "窗口", "kind": kind, "active": "on",
            "items": [item.pk for item in items]}


@pytest.mark.parametrize(("kind", "with_items", "message"), [
    ("dedicated", False, "A dedicated window takes in only the items listed here: list at least one."),
    ("comprehensive", True, "A comprehensive window takes in every item: leave this list empty."),
])
def test_a_window_lists_items_only_when_dedicated(admin, kind, with_items, message):
    items = [ServiceItemFactory()] if with_items else []

    response = admin.post(reverse("admin:catalog_window_add"), window_form(HallFactory(), kind, items))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["items"] == [message]
    assert not Window.objects.exists()


def test_a_dedicated_window_with_items_is_saved(admin):
    item = ServiceItemFactory()

    response = admin.post(reverse("admin:catalog_window_add"), window_form(HallFactory(), "dedicated", [item]))

    assert response.status_code == 302
    assert list(Window.objects.get().items.all()) == [item]


def test_a_hall_code_in_lower_case_is_refused_with_a_message(admin):
    response = admin.post(reverse("admin:catalog_hall_add"), {
        "code": "ft", "name": "福田区政务服务大厅", "level": "district", "address": "福田区", "opening_hours": "9-18"})

    assert response.status_code == 200
    assert "A hall code is made of capital letters and digits." in response.content.decode()
    assert not Hall.objects.exists()
