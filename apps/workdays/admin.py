"""Administration of the calendar: entering a year's arrangement (录入) and correcting its days."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CalendarDay, CalendarYear, DayKind


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 1


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "entered", "source", "holiday_count", "workday_count", "notice", "updated_at")
    list_filter = ("entered", "source")
    fields = ("year", "entered", "notice", "source", "updated_at")
    readonly_fields = ("source", "updated_at")
    inlines = [CalendarDayInline]

    def get_readonly_fields(self, request, obj=None):
        # The days are keyed by the year number, so it is fixed once the year exists.
        return (*self.readonly_fields, "year") if obj else self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            holiday_count=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            workday_count=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
        )

    @admin.display(description=_("holidays"), ordering="holiday_count")
    def holiday_count(self, obj):
        return obj.holiday_count

    @admin.display(description=_("adjusted working days"), ordering="workday_count")
    def workday_count(self, obj):
        return obj.workday_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and ("entered" in form.changed_data or any(formset.has_changed() for formset in formsets)):
            services.mark_manual([form.instance.year])


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name", "calendar_year")
    list_filter = ("kind", "calendar_year")
    list_select_related = ("calendar_year",)
    date_hierarchy = "date"
    search_fields = ("name",)
    fields = ("calendar_year", "date", "kind", "name")

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.mark_manual({obj.calendar_year_id, form.initial.get("calendar_year", obj.calendar_year_id)})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.mark_manual([obj.calendar_year_id])

    def delete_queryset(self, request, queryset):
        years = set(queryset.values_list("calendar_year", flat=True))
        super().delete_queryset(request, queryset)
        services.mark_manual(years)
