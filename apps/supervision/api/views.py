from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role

from .. import selectors
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
    acknowledged_by = serializers.CharField(source="acknowledged_by.__str__", allow_null=True, default=None)


def _staff_only(user):
    if user.role == Role.CITIZEN:
        raise PermissionDenied(_("Alerts are for staff."))


class AlertListApi(ListAPIView):
    serializer_class = AlertOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        _staff_only(self.request.user)
        params = self.request.query_params
        level = params.get("level")
        if level and level not in AlertLevel.values:
            raise ValidationError({"level": _("Use one of: %(values)s.") % {"values": ", ".join(AlertLevel.values)}})
        acknowledged = {"true": True, "1": True, "false": False, "0": False}.get(params.get("acknowledged", ""))
        return selectors.alert_list(self.request.user, level=level, acknowledged=acknowledged)

    @extend_schema(summary=gettext_lazy("Alerts (预警与超时)"), tags=["supervision"], parameters=[
        OpenApiParameter("level", enum=AlertLevel.values),
        OpenApiParameter("acknowledged", bool)],
        description=gettext_lazy(
            "Scoped like applications: staff see the alerts of the applications they may see."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AlertAcknowledgeApi(APIView):
    @extend_schema(summary=gettext_lazy("Acknowledge an alert"), tags=["supervision"], request=None,
                   responses={200: AlertOutputSerializer})
    def post(self, request, pk):
        _staff_only(request.user)
        with transaction.atomic():
            alert = selectors.visible_alerts(request.user).select_for_update().filter(pk=pk).first()
            if alert is None:
                raise NotFound(_("No such alert."))
            if alert.acknowledged_at is None:
                alert.acknowledged_at, alert.acknowledged_by = timezone.now(), request.user
                alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        alert = selectors.alert_list(request.user).get(pk=pk)
        return Response(AlertOutputSerializer(alert).data)
