from django.contrib import admin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("raised_at", "kind", "level", "application", "department", "due_at", "acknowledged_at")
    list_filter = ("kind", "level", "department")
    search_fields = ("application__tracking_number",)
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request):
        return False
