"""The administration's own name (管理后台), in the reader's language; templates/admin/base_site.html shows it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("One-window government services — administration")
admin.site.site_title = _("One-window government services admin")
admin.site.index_title = _("System administration")


class ReadOnlyInline(admin.TabularInline):
    """Rows shown as they are: records nobody edits by hand (published versions, audit events)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
