from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import Notification


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


@extend_schema_view(get=extend_schema(summary=gettext_lazy("My notifications (in the app)"), tags=["notifications"]))
class NotificationListApi(ListAPIView):
    serializer_class = NotificationOutputSerializer
    filterset_class = selectors.NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.my_notifications(self.request.user)


@extend_schema_view(post=extend_schema(summary=gettext_lazy("Mark a notification read"), tags=["notifications"],
                                       request=None, responses={200: NotificationOutputSerializer}))
class NotificationReadApi(APIView):
    def post(self, request, pk):
        notification = selectors.my_notifications(request.user).filter(pk=pk).first()
        if notification is None:
            raise NotFound()
        services.mark_read(notification=notification, now=timezone.now())
        return Response(NotificationOutputSerializer(notification).data)
