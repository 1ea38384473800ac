from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import Channel, Notification


def my_notifications(user) -> QuerySet[Notification]:
    """A user's messages in the app, the newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by("-created_at", "-id")


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(method="filter_unread", help_text=_("Only unread ones."))

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset
