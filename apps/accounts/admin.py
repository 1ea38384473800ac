from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminSignInForm
from .models import SignInFailures, User


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


@admin.register(SignInFailures)
class SignInFailuresAdmin(admin.ModelAdmin):
    """Locked usernames and addresses; "unlock" (or deleting the row) lets them sign in again at once."""

    list_display = ("kind", "value", "failures", "last_failure_at", "locked_until")
    list_filter = ("kind",)
    search_fields = ("value",)
    ordering = ("-last_failure_at",)
    readonly_fields = ("kind", "value", "failures", "first_failure_at", "last_failure_at", "locked_until")
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Unlock: clear the failures"), permissions=["delete"])
    def unlock(self, request, queryset):
        count, _rows = queryset.delete()
        self.message_user(request, _("%(count)s unlocked.") % {"count": count})


admin.site.login_form = AdminSignInForm  # the administration's sign-in counts failures and locks like the API's
