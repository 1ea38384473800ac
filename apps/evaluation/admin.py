from django.contrib import admin

from .models import Rating, Rectification


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("application", "score", "created_at")
    list_filter = ("score",)
    search_fields = ("application__tracking_number",)
    readonly_fields = ("application", "rater", "score", "comment", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("rating", "department", "status", "due_date", "answered_at")
    list_filter = ("status", "department")
