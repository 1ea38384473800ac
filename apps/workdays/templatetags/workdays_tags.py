from django import template
from django.utils import timezone

from apps.workdays.calendar import missing_next_year

register = template.Library()


@register.inclusion_tag("workdays/calendar_warning.html", takes_context=True)
def calendar_warning(context):
    """From October, warn whoever maintains the calendar that next year's arrangement is missing."""
    user = context.get("user")
    if user is None or not user.has_perm("workdays.change_calendaryear"):
        return {}
    year = missing_next_year(timezone.localdate())
    return {"year": str(year) if year else None}
