from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..models import Channel, Notification


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


def my_notifications(user):
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by("-created_at", "-id")


class NotificationListApi(ListAPIView):
    serializer_class = NotificationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        qs = my_notifications(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(summary=gettext_lazy("My notifications (in the app)"), tags=["notifications"],
                   parameters=[OpenApiParameter("unread", bool, description=gettext_lazy("Only unread ones."))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadApi(APIView):
    @extend_schema(summary=gettext_lazy("Mark a notification read"), tags=["notifications"], request=None,
                   responses={200: NotificationOutputSerializer})
    def post(self, request, pk):
        notification = get_object_or_404(my_notifications(request.user), pk=pk)
        services.mark_read(notification=notification, now=timezone.now())
        return Response(NotificationOutputSerializer(notification).data)
