"""The catalogue's rules and its versioning, through the services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.catalog.models import ItemVersion, Material, ServiceItem, StepTemplate
from apps.catalog.services import publish_item, use_current_version, validate_item_content, validate_steps
from tests.factories import DepartmentFactory, ServiceItemFactory


def content(**overrides) -> ServiceItem:
    values = {"legal_limit_days": 20, "promised_limit_days": 5, "instant": False, "max_visits": 0,
              "visit_reason": ""}
    return ServiceItem(**{**values, **overrides})


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def messages_of(call) -> list:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.messages


# -- the rules of an item ------------------------------------------------------------------


def test_valid_content_passes():
    validate_item_content(content())
    validate_item_content(content(instant=True, promised_limit_days=0, legal_limit_days=0))
    validate_item_content(content(max_visits=1, visit_reason="现场核验原件"))


def test_promised_limit_cannot_exceed_legal_limit():
    errors = errors_of(lambda: validate_item_content(content(promised_limit_days=21)))
    assert errors == {"promised_limit_days": [
        "The promised limit (21 working days) cannot exceed the legal limit (20)."]}


def test_instant_item_has_a_zero_day_promised_limit():
    errors = errors_of(lambda: validate_item_content(content(instant=True, promised_limit_days=1)))
    assert "its promised limit must be 0 working days" in errors["promised_limit_days"][0]


def test_promised_item_has_at_least_one_day():
    errors = errors_of(lambda: validate_item_content(content(promised_limit_days=0)))
    assert "at least 1 working day" in errors["promised_limit_days"][0]


@pytest.mark.parametrize("reason", ["", "   "])
def test_visit_reason_required_when_a_visit_is_needed(reason):
    errors = errors_of(lambda: validate_item_content(content(max_visits=1, visit_reason=reason)))
    assert errors == {"visit_reason": [
        "Say why the applicant has to come in person when the item needs a visit."]}


def test_steps_that_fit_the_promised_limit_pass():
    validate_steps(promised_limit_days=5, instant=False, steps=[(1, 3), (2, 2)])
    validate_steps(promised_limit_days=0, instant=True, steps=[(1, 0)])
    validate_steps(promised_limit_days=0, instant=True, steps=[])


def test_steps_must_not_exceed_the_promised_limit():
    messages = messages_of(lambda: validate_steps(promised_limit_days=5, instant=False, steps=[(1, 3), (2, 3)]))
    assert messages == ["The approval steps take 6 working days in all, more than the promised limit of 5."]


def test_step_orders_are_unique():
    messages = messages_of(lambda: validate_steps(promised_limit_days=5, instant=False, steps=[(1, 1), (1, 1)]))
    assert messages == ["Two approval steps have the same order number."]


def test_instant_item_steps_take_no_days():
    messages = messages_of(lambda: validate_steps(promised_limit_days=0, instant=True, steps=[(1, 1)]))
    assert "give each step 0 days" in messages[0]


def test_promised_item_needs_a_step():
    messages = messages_of(lambda: validate_steps(promised_limit_days=5, instant=False, steps=[]))
    assert messages == ["A promised item needs at least one approval step."]


# -- versioning -----------------------------------------------------------------------------


def version_rows(version: ItemVersion) -> tuple:
    version = ItemVersion.objects.get(pk=version.pk)
    return (
        (version.number, version.name, version.promised_limit_days, version.frozen_at),
        list(version.materials.values_list("name", "original", "copies", "required")),
        list(version.steps.values_list("order", "name", "allotted_days")),
    )


@pytest.mark.django_db
def test_publishing_a_new_item_creates_version_1_with_its_materials_and_steps():
    item = ServiceItemFactory(promised_limit_days=5)

    version = item.current_version
    assert version.number == 1
    assert version.promised_limit_days == 5 and version.name == item.name
    assert list(version.materials.values_list("name", flat=True)) == ["申请表", "身份证明"]
    assert list(version.steps.values_list("order", "allotted_days")) == [(1, 3), (2, 2)]
    assert version.frozen_at is None


@pytest.mark.django_db
def test_editing_an_unused_item_updates_version_1_in_place():
    item = ServiceItemFactory(promised_limit_days=5)
    v1 = item.current_version
    item.name = "新名称"
    item.save()
    Material.objects.create(item=item, order=3, name="营业执照", copies=2)

    version = publish_item(item=item)

    assert version.pk == v1.pk and version.number == 1
    assert ItemVersion.objects.filter(item=item).count() == 1
    assert version.name == "新名称"
    assert version.materials.count() == 3
    assert version.published_at >= v1.published_at


@pytest.mark.django_db
def test_the_first_use_freezes_the_version_in_one_read_and_later_uses_only_read_it(django_assert_num_queries):
    item = ServiceItemFactory()
    with transaction.atomic(), django_assert_num_queries(2):  # the version, its freezing
        first = use_current_version(item=item)
    assert first.frozen_at is not None
    assert ItemVersion.objects.get(pk=first.pk).frozen_at == first.frozen_at
    with transaction.atomic(), django_assert_num_queries(1):
        again = use_current_version(item=item)
    assert (again.pk, again.frozen_at) == (first.pk, first.frozen_at)


@pytest.mark.django_db
def test_a_version_published_again_between_the_read_and_the_freeze_is_used_as_published():
    """A publish that edits the unused version in place after it was read: the application gets the new content."""
    from django.db import connection
    from django.utils import timezone

    item = ServiceItemFactory(name="旧名称")
    version_id = ServiceItem.objects.get(pk=item.pk).current_version_id
    edited = []

    def publish_after_the_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not edited and sql.startswith('SELECT "catalog_itemversion"'):
            edited.append(True)
            ItemVersion.objects.filter(pk=version_id).update(name="新名称", published_at=timezone.now())
        return result

    with connection.execute_wrapper(publish_after_the_read), transaction.atomic():
        version = use_current_version(item=item)
    assert edited
    assert version.name == "新名称" and version.frozen_at is not None
    assert ItemVersion.objects.get(pk=version_id).frozen_at == version.frozen_at


@pytest.mark.django_db
def test_editing_an_item_after_an_application_used_it_publishes_version_2():
    item = ServiceItemFactory(promised_limit_days=5)
    with transaction.atomic():
        v1 = use_current_version(item=item)
    assert v1.frozen_at is not None
    before = version_rows(v1)

    item.promised_limit_days = 8
    item.save()
    StepTemplate.objects.filter(item=item, order=2).update(allotted_days=5)
    Material.objects.filter(item=item, order=2).update(name="户口簿", copies=3)
    v2 = publish_item(item=item)

    assert v2.number == 2 and v2.pk != v1.pk
    assert ServiceItem.objects.get(pk=item.pk).current_version == v2
    assert version_rows(v1) == before
    assert v2.promised_limit_days == 8
    assert list(v2.materials.values_list("name", "copies")) == [("申请表", 1), ("户口簿", 3)]
    assert list(v2.steps.values_list("order", "allotted_days")) == [(1, 3), (2, 5)]


@pytest.mark.django_db
def test_publishing_identical_content_changes_nothing():
    item = ServiceItemFactory()
    with transaction.atomic():
        frozen = use_current_version(item=item)

    again = publish_item(item=item)

    assert again.pk == frozen.pk
    assert ItemVersion.objects.filter(item=item).count() == 1
    assert ItemVersion.objects.get(pk=frozen.pk).published_at == frozen.published_at


@pytest.mark.django_db
def test_publishing_keeps_the_callers_instance_current():
    """A later save of the same instance must not write the previous version back."""
    item = ServiceItemFactory()
    with transaction.atomic():
        use_current_version(item=item)
    item.promised_limit_days = 6
    item.save()
    StepTemplate.objects.filter(item=item, order=2).update(allotted_days=3)
    v2 = publish_item(item=item)

    assert item.current_version == v2
    item.name = "改名"
    item.save()
    assert ServiceItem.objects.get(pk=item.pk).current_version_id == v2.pk


@pytest.mark.django_db
def test_publishing_refuses_steps_beyond_the_promised_limit_and_keeps_the_version():
    item = ServiceItemFactory(promised_limit_days=5)
    ServiceItem.objects.filter(pk=item.pk).update(promised_limit_days=2)

    with pytest.raises(ValidationError, match="more than the promised limit of 2"):
        publish_item(item=item)
    assert ItemVersion.objects.get(item=item).promised_limit_days == 5


@pytest.mark.django_db
def test_using_the_current_version_freezes_it_once():
    item = ServiceItemFactory()
    with transaction.atomic():
        first = use_current_version(item=item)
    with transaction.atomic():
        second = use_current_version(item=item)
    assert second.pk == first.pk and second.frozen_at == first.frozen_at


@pytest.mark.django_db
def test_an_inactive_item_is_not_open_for_applications():
    item = ServiceItemFactory(active=False)
    with pytest.raises(ValidationError, match="not open for applications"), transaction.atomic():
        use_current_version(item=item)
    assert ItemVersion.objects.get(item=item).frozen_at is None


@pytest.mark.django_db
def test_an_unpublished_item_is_not_open_for_applications():
    item = ServiceItem.objects.create(
        code="UNPUBLISHED-1", name="未发布", item_type="licensing", department=DepartmentFactory(),
        legal_basis="-", conditions="-", process="-", legal_limit_days=10, promised_limit_days=5, max_visits=0)
    with pytest.raises(ValidationError, match="not open for applications"), transaction.atomic():
        use_current_version(item=item)
