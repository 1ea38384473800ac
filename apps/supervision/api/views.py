from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role

from .. import selectors, services
from ..models import Alert, AlertKind, AlertLevel


class AlertOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AlertKind.choices)
    level = serializers.ChoiceField(choices=AlertLevel.choices)
    application = serializers.IntegerField(source="application_id")
    tracking_number = serializers.CharField(source="application.tracking_number")
    step = serializers.CharField(source="step.name", allow_null=True, default=None)
    department = serializers.CharField(source="department.code")
    due_at = serializers.DateTimeField()
    raised_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.CharField(allow_null=True)


class IsStaff(BasePermission):
    message = gettext_lazy("Alerts are for staff.")

    def has_permission(self, request, view):
        return request.user.role != Role.CITIZEN


@extend_schema_view(get=extend_schema(
    summary=gettext_lazy("Alerts (预警与超时)"), tags=["supervision"],
    description=gettext_lazy("Scoped like applications: staff see the alerts of the applications they may see.")))
class AlertListApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = AlertOutputSerializer
    filterset_class = selectors.AlertFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return selectors.alert_list(self.request.user)


@extend_schema_view(post=extend_schema(summary=gettext_lazy("Acknowledge an alert"), tags=["supervision"],
                                       request=None, responses={200: AlertOutputSerializer}))
class AlertAcknowledgeApi(APIView):
    permission_classes = [IsAuthenticated, IsStaff]

    def post(self, request, pk):
        if not selectors.visible_alerts(request.user).filter(pk=pk).exists():
            raise NotFound(_("No such alert."))
        services.acknowledge_alert(alert_id=pk, actor=request.user, now=timezone.now())
        return Response(AlertOutputSerializer(selectors.alert_list(request.user).get(pk=pk)).data)
