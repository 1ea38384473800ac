"""Thin views over the figures: validate the filters, scope them to the manager, call one selector."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.applications.audit import verify_chain
from apps.applications.models import Application
from apps.applications.selectors import visible_applications
from apps.core.idempotency import run_idempotent

from .. import figures, lists, reform, services
from ..exports import CSVRenderer, XLSXRenderer
from ..filters import Scope, scope_for
from ..models import AuditCheck
from . import serializers as s

TAG = ["statistics"]
EXPORT_FORMATS = {"csv", "xlsx"}
FILTERS = [
    OpenApiParameter("date_from", OpenApiTypes.DATE, description=gettext_lazy("Period start, included.")),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description=gettext_lazy("Period end, included.")),
    OpenApiParameter("department", str, description=gettext_lazy("Department code.")),
    OpenApiParameter("hall", str, description=gettext_lazy("Hall code.")),
    OpenApiParameter("item", str, description=gettext_lazy("Service item code.")),
    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"],
                     description=gettext_lazy("csv or xlsx: the table as a file.")),
]


class IsManager(BasePermission):
    message = gettext_lazy("Only managers see the figures.")

    def has_permission(self, request, view):
        return request.user.role == Role.MANAGER


def manager_scope(request) -> Scope:
    """The validated filters (400 on bad input), narrowed to a department manager's own department (403 for
    another)."""
    filterset, scope = scope_for(request.user, request.query_params)
    if scope is None:
        raise ValidationError(filterset.errors)
    return scope


# One table of figures for the filters asked (as JSON, CSV or XLSX): a subclass names its serializer (`answer`)
# and what it computes (`compute(scope)`); its summary sits on the class (`stats_schema`).
class StatsApi(APIView):

    permission_classes = [IsAuthenticated, IsManager]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]
    export_name = "statistics"
    answer = None

    def export_rows(self, data):
        return data if isinstance(data, list) else [data]

    def compute(self, scope):
        raise NotImplementedError("each figures view names what it computes")

    def get(self, request):
        figures_asked = self.compute(manager_scope(request))
        return Response(self.answer(figures_asked, many=isinstance(figures_asked, list)).data)


def stats_schema(summary, answer):
    return extend_schema_view(get=extend_schema(summary=summary, tags=TAG, parameters=FILTERS, responses=answer))


@stats_schema(gettext_lazy("The district's (or a department's) figures"), s.OverviewSerializer)
class OverviewApi(StatsApi):
    export_name = "overview"
    answer = s.OverviewSerializer

    def compute(self, scope):
        return figures.figures(scope)[()]


@stats_schema(gettext_lazy("The figures per service item"), s.ItemFiguresSerializer(many=True))
class ServiceItemFiguresApi(StatsApi):
    export_name = "service-items"
    answer = s.ItemFiguresSerializer

    def compute(self, scope):
        return figures.item_rows(scope)


@stats_schema(gettext_lazy("The figures per department"), s.DepartmentFiguresSerializer(many=True))
class DepartmentFiguresApi(StatsApi):
    export_name = "departments"
    answer = s.DepartmentFiguresSerializer

    def compute(self, scope):
        return figures.department_rows(scope)


@stats_schema(gettext_lazy("Where cases wait: the figures per handling department and step"),
              s.StepFiguresSerializer(many=True))
class StepFiguresApi(StatsApi):
    export_name = "steps"
    answer = s.StepFiguresSerializer

    def compute(self, scope):
        return figures.step_figures(scope)


@stats_schema(gettext_lazy("The reform ledger (改革台账)"), s.ReformSerializer)
class ReformApi(StatsApi):
    export_name = "reform"
    answer = s.ReformSerializer

    def export_rows(self, data):
        return data["items"]

    def compute(self, scope):
        return reform.reform_ledger(department=scope.department, item=scope.item)


@stats_schema(gettext_lazy("Month by month: applications, decisions, on-time rate, working days"),
              s.TrendSerializer(many=True))
class TrendApi(StatsApi):
    export_name = "trend"
    answer = s.TrendSerializer

    def compute(self, scope):
        return figures.trend(scope)


class StatsListApi(ListAPIView):
    """A list of applications behind a figure; unpaginated when exported."""

    permission_classes = [IsAuthenticated, IsManager]
    renderer_classes = StatsApi.renderer_classes
    filter_backends = []

    def export_rows(self, data):
        return data

    @property
    def paginator(self):
        if self.request.query_params.get("format") in EXPORT_FORMATS:
            return None
        return super().paginator


class ApplicationsBehindApi(StatsListApi):
    serializer_class = s.ApplicationBehindSerializer
    export_name = "applications"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        figure = self.request.query_params.get("figure", "")
        if figure not in lists.BEHIND:
            raise ValidationError({"figure": _("Use one of: %(values)s.") % {"values": ", ".join(lists.BEHIND)}})
        return lists.applications_behind(manager_scope(self.request), figure)

    @extend_schema(summary=gettext_lazy("The applications behind a figure (drill-down)"), tags=TAG,
                   parameters=[OpenApiParameter("figure", str, enum=list(lists.BEHIND), required=True), *FILTERS])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OverVisitLimitApi(StatsListApi):
    """Applications that broke their item's visit limit."""

    serializer_class = s.OverLimitSerializer
    export_name = "over-visit-limit"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return lists.over_visit_limit(manager_scope(self.request))

    @extend_schema(summary=gettext_lazy("Applications with more visits than their item allows"), tags=TAG,
                   parameters=FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApplicationAuditApi(APIView):
    permission_classes = [IsAuthenticated, IsManager]

    @extend_schema(summary=gettext_lazy("An application's audit trail and the check of its hash chain"),
                   tags=["audit"], responses=s.ApplicationAuditSerializer)
    def get(self, request, pk):
        application = visible_applications(request.user).filter(pk=pk).first()
        if application is None:
            raise NotFound(_("No such application."))
        events = list(application.events.select_related("actor").order_by("seq"))
        link = verify_chain(application, events)
        return Response(s.ApplicationAuditSerializer({
            "id": application.pk, "tracking_number": application.tracking_number, "intact": link is None,
            "broken": link, "events": events}).data)


class IsDistrictManager(BasePermission):
    message = gettext_lazy("The whole database is checked by a district manager.")

    def has_permission(self, request, view):
        return request.user.role == Role.MANAGER and request.user.department_id is None


class AuditCheckListApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsDistrictManager]
    serializer_class = s.AuditCheckSerializer
    filter_backends = []
    queryset = AuditCheck.objects.select_related("started_by").order_by("-created_at", "-id")

    @extend_schema(summary=gettext_lazy("Checks of the whole audit trail, newest first"), tags=["audit"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary=gettext_lazy("Check every audit chain in the background"), tags=["audit"],
                   request=None, responses={200: s.AuditCheckSerializer, 202: s.AuditCheckSerializer},
                   description=gettext_lazy("202 with a new check; 200 with the check already queued or "
                                            "running. Poll GET /api/v1/audit/checks/{id}/ for its progress."))
    def post(self, request):
        def act():
            check, created = services.start_audit_check(actor=request.user, now=timezone.now())
            return Response(s.AuditCheckSerializer(check).data,
                            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
        return run_idempotent(request, act)


class AuditCheckDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsDistrictManager]

    @extend_schema(summary=gettext_lazy("One check of the whole audit trail, with its progress"), tags=["audit"],
                   responses=s.AuditCheckSerializer)
    def get(self, request, pk):
        check = AuditCheck.objects.select_related("started_by").filter(pk=pk).first()
        if check is None:
            raise NotFound(_("No such check."))
        return Response(s.AuditCheckSerializer(check).data)
