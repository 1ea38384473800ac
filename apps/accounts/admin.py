from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "department", "hall", "masked_id", "is_active")
    list_filter = ("role", "department", "hall", "is_active", "is_staff")
    search_fields = ("username", "name", "phone")
    list_select_related = ("department", "hall")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and workplace"), {"fields": ("role", "name", "id_number", "phone", "department", "hall", "window")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and workplace"), {"fields": ("role", "name", "department", "hall", "window")}),
    )

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return obj.masked_id_number
