"""Read-only views for administrators: every change goes through the services (and the audit trail)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyInline

from . import clock
from .models import Application, CorrectionNotice, Event, Step, Visit


class StepInline(ReadOnlyInline):
    model = Step
    fields = ("order", "name", "department", "status", "flag", "started_at", "due_date", "finished_at")


class VisitInline(ReadOnlyInline):
    model = Visit
    fields = ("at", "hall", "window", "purpose", "clerk")


class CorrectionNoticeInline(ReadOnlyInline):
    model = CorrectionNotice
    fields = ("number", "issued_at", "issued_by", "items", "violation_reason", "answered_at")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("seq", "at", "actor", "action", "from_status", "to_status", "payload", "hash")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "service_item", "applicant_name", "applicant_credit_code", "status", "flag",
                    "suspended", "submitted_at", "due")
    list_filter = ("status", "flag", "channel", "department", "hall")
    search_fields = ("tracking_number", "applicant_name", "=applicant_credit_code", "service_item__code",
                     "service_item__name")
    list_select_related = ("service_item",)
    date_hierarchy = "submitted_at"
    inlines = [StepInline, VisitInline, CorrectionNoticeInline, EventInline]
    exclude = ("applicant_id_number", "agent_id_number", "verification_code", "form_data")
    readonly_fields = ("masked_id", "masked_agent_id")

    @admin.display(description=_("promised due date"), ordering="due_date")
    def due(self, obj):
        if obj.due_date is None:
            return "—"
        if clock.provisional(obj.due_date):
            return _("%(date)s (provisional)") % {"date": obj.due_date}
        return obj.due_date

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("acting person's ID number"))
    def masked_agent_id(self, obj):
        return obj.masked_agent_id_number

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
