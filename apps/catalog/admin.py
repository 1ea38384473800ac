"""The administrator's side of the catalogue (事项管理).

Saving a service item publishes it (`publish_item`), so the guide the public reads
and new applications use always follows the last edit, while a version an
application already uses stays as it was. The item's rules are checked in the
forms with the services' own validators: a mistake is a message on the page,
never a half-saved item or a server error.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.forms.models import construct_instance
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyInline

from .models import (
    BaselineStep,
    Department,
    Hall,
    ItemVersion,
    Material,
    ServiceItem,
    StepTemplate,
    VersionMaterial,
    VersionStep,
    Window,
)
from .services import publish_item, validate_item_content, validate_steps

GUIDE_FIELDSETS = [
    (_("Service guide"), {"fields": ["legal_basis", "conditions", "process", "result_name", "faq"]}),
    (_("Time limits and visits"), {"fields": [
        ("legal_limit_days", "promised_limit_days"), "instant", ("max_visits", "visit_reason"), "online"]}),
    (_("Fee"), {"fields": ["fee", "fee_basis"]}),
    (_("Contacts"), {"fields": ["consultation_phone", "complaint_phone"]}),
    (_("Supervision thresholds"), {
        "fields": ["warning_workdays_left", "warning_percent_used"],
        "description": _("A case turns yellow when either threshold is reached, red once it is overdue."),
    }),
]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "phone"]
    search_fields = ["code", "name"]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "address", "opening_hours"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "address"]


class WindowForm(forms.ModelForm):
    """A dedicated window lists the items it takes in; a comprehensive one takes any and lists none."""

    def clean(self):
        cleaned = super().clean()
        kind, items = cleaned.get("kind"), cleaned.get("items")
        if kind == Window.Kind.DEDICATED and not items:
            self.add_error("items", _("A dedicated window takes in only the items listed here: list at least one."))
        if kind == Window.Kind.COMPREHENSIVE and items:
            self.add_error("items", _("A comprehensive window takes in every item: leave this list empty."))
        return cleaned


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    form = WindowForm
    list_display = ["hall", "number", "name", "kind", "active"]
    list_filter = ["hall", "kind", "active"]
    list_select_related = ["hall"]
    search_fields = ["number", "name", "hall__code", "hall__name"]
    filter_horizontal = ["items"]


class ServiceItemForm(forms.ModelForm):
    """Checks an item with `validate_item_content`, so each rule is a message on its field."""

    def clean(self):
        cleaned = super().clean()
        try:
            validate_item_content(construct_instance(self, ServiceItem()))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.has_error("promised_limit_days"):
            # The steps inline checks itself against the limit on this instance; while the
            # limit is wrong, there is nothing to check them against.
            self.instance.promised_limit_days = None


class RenumberableFormSet(forms.BaseInlineFormSet):
    """Lets an administrator swap or shift step numbers in one save.

    (item, order) is unique in the database and Django saves the rows one by one, so
    swapping 1 and 2 would collide halfway: the rows being renumbered or deleted are
    first moved past every number in use or asked for.
    """

    def save_existing_objects(self, commit=True):
        moving = [form.instance.pk for form in self.initial_forms
                  if self._should_delete_form(form) or "order" in form.changed_data]
        if commit and moving:
            in_use = self.model.objects.filter(item=self.instance).aggregate(top=Max("order"))["top"] or 0
            asked = max((form.cleaned_data.get("order") or 0 for form in self.forms if form.cleaned_data), default=0)
            for offset, pk in enumerate(moving, start=1):
                self.model.objects.filter(pk=pk).update(order=max(in_use, asked) + offset)
        return super().save_existing_objects(commit)


class StepTemplateFormSet(RenumberableFormSet):
    """The steps must fit the item's promised limit.

    Django validates the item form before its inlines and leaves the cleaned values
    on `self.instance` (the same object), so this sees the limits being saved.
    """

    def clean(self):
        super().clean()
        item = self.instance
        if any(self.errors) or item.promised_limit_days is None:
            return
        steps = [(form.cleaned_data["order"], form.cleaned_data["allotted_days"]) for form in self.forms
                 if form.cleaned_data and not self._should_delete_form(form)]
        try:
            validate_steps(promised_limit_days=item.promised_limit_days, instant=item.instant, steps=steps)
        except ValidationError as error:
            raise ValidationError(error.messages)


class MaterialInline(admin.TabularInline):
    model = Material
    fields = ["order", "name", "original", "copies", "required", "notes"]
    extra = 1


class StepTemplateInline(admin.TabularInline):
    model = StepTemplate
    formset = StepTemplateFormSet
    fields = ["order", "name", "allotted_days", "department", "role"]
    extra = 1


class BaselineStepInline(admin.TabularInline):
    model = BaselineStep
    formset = RenumberableFormSet
    fields = ["order", "name", "allotted_days"]
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    form = ServiceItemForm
    inlines = [MaterialInline, StepTemplateInline, BaselineStepInline]
    list_display = ["code", "name", "department", "promised_limit_days", "legal_limit_days", "max_visits",
                    "current_version__number", "active"]
    list_filter = ["department", "item_type", "online", "instant", "max_visits", "active"]
    list_select_related = ["department", "current_version"]
    search_fields = ["code", "name"]
    readonly_fields = ["current_version_info", "version_history"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["code", "name", "item_type", "department", "active"]}),
            *GUIDE_FIELDSETS,
            (_("Reform baseline"), {
                "fields": ["baseline_limit_days"],
                "description": _("The time limit before the reform; the pre-reform steps are listed below."),
            }),
        ]
        if obj is not None:
            fieldsets.append((_("Published versions"), {"fields": ["current_version_info", "version_history"]}))
        return fieldsets

    def has_delete_permission(self, request, obj=None):
        """Items are deactivated, never deleted: their versions and applications point at them."""
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version = publish_item(item=form.instance)
        self.message_user(request, _("The public guide now shows version %(number)s.") % {"number": version.number})

    @admin.display(description=_("current version"))
    def current_version_info(self, item):
        version = item.current_version
        if version is None:
            return "-"
        return format_html("<a href=\"{}\">v{}</a> {}", _version_url(version), version.number, _version_state(version))

    @admin.display(description=_("version history"))
    def version_history(self, item):
        rows = ((_version_url(v), v.number, _version_state(v)) for v in item.versions.order_by("-number"))
        return format_html("<ul>{}</ul>", format_html_join("", "<li><a href=\"{}\">v{}</a> {}</li>", rows))


def _version_url(version: ItemVersion) -> str:
    return reverse("admin:catalog_itemversion_change", args=[version.pk])


def _version_state(version: ItemVersion) -> str:
    published = date_format(localtime(version.published_at), "DATETIME_FORMAT")
    if version.frozen_at is None:
        return _("published %(at)s, not used by any application yet") % {"at": published}
    frozen = date_format(localtime(version.frozen_at), "DATETIME_FORMAT")
    return _("published %(at)s, frozen since %(frozen)s") % {"at": published, "frozen": frozen}


class VersionMaterialInline(ReadOnlyInline):
    model = VersionMaterial
    fields = ["id", "order", "name", "original", "copies", "required", "notes"]
    readonly_fields = fields


class VersionStepInline(ReadOnlyInline):
    model = VersionStep
    fields = ["order", "name", "allotted_days", "department", "role"]
    readonly_fields = fields


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    """Published versions are history: they can be read, never edited or removed."""

    inlines = [VersionMaterialInline, VersionStepInline]
    list_display = ["item__code", "number", "name", "promised_limit_days", "published_at", "frozen_at"]
    list_filter = ["item", ("frozen_at", admin.EmptyFieldListFilter)]
    list_select_related = ["item"]
    search_fields = ["item__code", "name"]
    fieldsets = [
        (None, {"fields": ["item", "number", "published_at", "frozen_at", "name", "item_type", "department"]}),
        *GUIDE_FIELDSETS,
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
