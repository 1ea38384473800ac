"""Factories for the whole suite: build a world in one line, override what the test is about."""

import factory
from django.contrib.auth import get_user_model

from apps.accounts.identity import id_number_check_char, uscc_check_char
from apps.accounts.models import Role
from apps.catalog.models import Department, Hall, Material, ServiceItem, StepTemplate, Window
from apps.catalog.services import publish_item


def make_id_number(n: int) -> str:
    """A valid resident ID number (check digit computed), unique per n."""
    first17 = f"440309199001{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def make_credit_code(n: int) -> str:
    """A valid unified social credit code (check character computed), unique per n."""
    first17 = f"91440300MA5F{n % 100000:05d}"
    return first17 + uscc_check_char(first17)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H{n:02d}")
    name = factory.Sequence(lambda n: f"政务服务大厅{n}")
    level = Hall.Level.DISTRICT
    address = "深圳市某区某路1号"
    opening_hours = "周一至周五 9:00-12:00, 14:00-18:00"


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: f"{n:02d}")
    name = "综合窗口"
    kind = Window.Kind.COMPREHENSIVE


class ServiceItemFactory(factory.django.DjangoModelFactory):
    """An item with two materials and two steps, published (current_version set)."""

    class Meta:
        model = ServiceItem
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"00010400{n:04d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = "licensing"
    department = factory.SubFactory(DepartmentFactory)
    legal_basis = "《中华人民共和国行政许可法》"
    conditions = "申请人应当具备完全民事行为能力。"
    process = "申请、受理、审查、决定、送达。"
    legal_limit_days = 20
    promised_limit_days = 5
    max_visits = 0
    online = True
    instant = False

    @factory.post_generation
    def contents(self, create, extracted, **kwargs):
        if not create:
            return
        if not self.materials.exists():
            Material.objects.create(item=self, order=1, name="申请表", original=True, copies=1)
            Material.objects.create(item=self, order=2, name="身份证明", original=False, copies=1)
        if not self.steps.exists() and not self.instant:
            first = max(self.promised_limit_days - 2, 1)
            StepTemplate.objects.create(item=self, order=1, name="审查", allotted_days=first)
            if self.promised_limit_days - first >= 1:
                StepTemplate.objects.create(item=self, order=2, name="决定",
                                            allotted_days=self.promised_limit_days - first)
        publish_item(item=self)
        self.refresh_from_db()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.CITIZEN
    id_number = factory.Sequence(make_id_number)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    class Params:
        # `UserFactory(enterprise=True)`: an enterprise account, its name the enterprise's, with its acting person.
        enterprise = factory.Trait(
            id_number="", name=factory.Sequence(lambda n: f"深圳市示范{n}科技有限公司"),
            credit_code=factory.Sequence(make_credit_code), agent_name="李经办",
            agent_id_number=factory.Sequence(lambda n: make_id_number(n + 500)))

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def hand_in_materials(application, clerk, now):
    """The applicant hands every required material in at the window and `clerk` records it (so it can be
    accepted)."""
    from apps.applications import services

    items = [{"material": m.pk, "original": True, "copies": 1}
             for m in application.item_version.materials.filter(required=True)]
    services.record_received_materials(application_id=application.pk, actor=clerk, items=items, now=now)
