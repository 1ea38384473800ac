"""The administration's own name (管理后台), in the reader's language; templates/admin/base_site.html shows it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("One-window government services — administration")
admin.site.site_title = _("One-window government services admin")
admin.site.index_title = _("System administration")
