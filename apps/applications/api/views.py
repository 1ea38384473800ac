"""Thin views: resolve what the caller may see (404), check the rule (403), call one service."""

from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.catalog.models import ServiceItem, Window
from apps.core.api.exceptions import Conflict, PayloadTooLarge

from .. import notices, permissions, selectors, services, uploads
from ..idempotency import run_idempotent
from ..models import Application, Flag, Status, Step, UploadedMaterial
from ..states import TransitionNotAllowed
from . import serializers as s

TAG = ["applications"]


class ApplicationApiMixin:
    """Maps the domain's refusals to HTTP: a disallowed transition is 409, an oversized file 413."""

    def handle_exception(self, exc):
        if isinstance(exc, TransitionNotAllowed):
            exc = Conflict(exc.message, code=exc.code)
        elif isinstance(exc, uploads.UploadTooLarge):
            exc = PayloadTooLarge(str(exc))
        return super().handle_exception(exc)

    def get_application(self, pk, *, for_action: bool = False) -> Application:
        selector = selectors.application_for_action if for_action else selectors.application_detail
        application = selector(self.request.user, pk).first()
        if application is None:
            raise NotFound(_("No such application."))
        return application

    def detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        application = self.get_application(pk)
        return Response(s.ApplicationDetailOutputSerializer(application, context={"request": self.request}).data,
                        status=status_code)


class ApplicationListCreateApi(ApplicationApiMixin, ListAPIView):
    serializer_class = s.ApplicationListOutputSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.application_list(self.request.user, filters={
            key: params.get(key) for key in ("status", "service_item", "flag", "department", "tracking_number")})

    @extend_schema(summary=gettext_lazy("List applications"), tags=TAG, parameters=[
        OpenApiParameter("status", enum=[c for c, _l in Status.choices]),
        OpenApiParameter("service_item", str, description=gettext_lazy("Service item code.")),
        OpenApiParameter("flag", enum=["normal", "warning", "overdue"]),
        OpenApiParameter("department", str, description=gettext_lazy("Department code.")),
        OpenApiParameter("tracking_number", str, description=gettext_lazy("Part of a tracking number.")),
    ], description=gettext_lazy(
        "Scoped to the caller: a citizen sees their own; a clerk their hall's and those waiting at intake or for "
        "collection anywhere; an approver their department's; a manager their department's, or everything for a "
        "district manager."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary=gettext_lazy("Submit an application"), tags=TAG,
                   request=s.ApplicationCreateInputSerializer,
                   responses={201: s.ApplicationDetailOutputSerializer},
                   description=gettext_lazy("A citizen applies online for themself; a clerk takes in a window "
                                            "application on behalf of the applicant given in `applicant` (this "
                                            "records a visit)."))
    def post(self, request):
        if request.user.role not in {Role.CITIZEN, Role.CLERK}:
            raise PermissionDenied(_("Only citizens and counter clerks submit applications."))

        def act():
            data = s.ApplicationCreateInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = dict(data.validated_data)
            item = ServiceItem.objects.filter(code=fields.pop("service_item"), active=True).first()
            if item is None:
                raise NotFound(_("No such service item."))
            if not permissions.can_submit(request.user, item):
                raise PermissionDenied(_("Your window does not take in this item; a comprehensive window does."))
            application = services.submit_application(actor=request.user, item=item, now=timezone.now(), **fields)
            return self.detail_response(application.pk, status.HTTP_201_CREATED)

        return run_idempotent(request, act)


class ApplicationDetailApi(ApplicationApiMixin, APIView):
    @extend_schema(summary=gettext_lazy("One application"), tags=TAG,
                   responses={200: s.ApplicationDetailOutputSerializer})
    def get(self, request, pk):
        return self.detail_response(pk)


class ApplicationActionApi(ApplicationApiMixin, APIView):
    """POST an action: 404 if the caller cannot see it, 403 if their role may not act, 409 if the state forbids."""

    input_serializer = None
    permission = None

    def post(self, request, pk, **kwargs):
        def act():
            application = self.get_application(pk, for_action=True)
            self.check_rule(application, **kwargs)
            data = {}
            if self.input_serializer is not None:
                serializer = self.input_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
            result = self.act(request, application, data, **kwargs)
            # An action answers with the application, unless it has a representation of its own.
            return result if isinstance(result, Response) else self.detail_response(pk, self.success_status)

        return run_idempotent(request, act)

    success_status = status.HTTP_200_OK

    def check_rule(self, application, **kwargs):
        if not type(self).permission(self.request.user, application):
            raise PermissionDenied(_("Your role may not do this to this application."))


def action_schema(summary, request=None, description=""):
    return extend_schema(summary=summary, tags=TAG, request=request, description=description,
                         responses={200: s.ApplicationDetailOutputSerializer})


class AcceptApi(ApplicationActionApi):
    permission = permissions.can_take_in

    @action_schema(gettext_lazy("Accept (受理)"),
                   description=gettext_lazy("Starts the clock: due dates are set and the first step starts. "
                                            "An instant item is approved at once. Every required material must "
                                            "be uploaded or received at the window: otherwise 400 with "
                                            "`materials` listing what is missing."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.accept_application(application_id=application.pk, actor=request.user, now=timezone.now())


class RejectApi(ApplicationActionApi):
    permission = permissions.can_take_in
    input_serializer = s.ReasonInputSerializer

    @action_schema(gettext_lazy("Refuse to accept (不予受理)"), s.ReasonInputSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.reject_application(application_id=application.pk, actor=request.user, reason=data["reason"],
                                    now=timezone.now())


class RequestCorrectionApi(ApplicationActionApi):
    permission = permissions.can_take_in
    input_serializer = s.CorrectionInputSerializer

    @action_schema(gettext_lazy("One-time correction notice (一次性告知补正)"), s.CorrectionInputSerializer,
                   gettext_lazy("Lists every material to correct. A further notice needs `violation_reason` and is "
                                "recorded as a breach of the one-time-notice rule."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.request_correction(application_id=application.pk, actor=request.user, items=data["items"],
                                    note=data["note"], violation_reason=data["violation_reason"],
                                    now=timezone.now())


class ResubmitApi(ApplicationActionApi):
    permission = permissions.can_resubmit

    @action_schema(gettext_lazy("Resubmit after correction"),
                   description=gettext_lazy("A new 5-working-day intake period starts today."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.resubmit_application(application_id=application.pk, actor=request.user, now=timezone.now())


def _step(application, step_id):
    step = next((step for step in application.steps.all() if step.pk == int(step_id)), None)
    if step is None:
        raise NotFound(_("No such step in this application."))
    return step


class StepActionApi(ApplicationActionApi):
    def check_rule(self, application, step_id):
        if not permissions.can_act_on_step(self.request.user, application, _step(application, step_id)):
            raise PermissionDenied(_("Only the handler of this step may act on it."))


class AssignStepApi(ApplicationActionApi):
    input_serializer = s.AssignInputSerializer

    def check_rule(self, application, step_id):
        _step(application, step_id)  # the assignee is checked with the body, in act()

    @action_schema(gettext_lazy("Assign a step (分派)"), s.AssignInputSerializer,
                   gettext_lazy("A manager of the step's department assigns it to one of its approvers or managers; an "
                     "approver takes an unassigned step for themself (or gives it back with null)."))
    def post(self, request, pk, step_id):
        return super().post(request, pk, step_id=step_id)

    def act(self, request, application, data, step_id):
        assignee = None
        if data["assignee"] is not None:
            assignee = get_user_model().objects.filter(pk=data["assignee"]).first()
            if assignee is None:
                raise ValidationError({"assignee": [_("No such user.")]})
        if not permissions.can_assign_step(request.user, application, _step(application, step_id), assignee):
            raise PermissionDenied(_("A manager assigns steps; an approver may only take one for themself."))
        services.assign_step(application_id=application.pk, step_id=int(step_id), actor=request.user,
                             assignee=assignee, now=timezone.now())


class StepInboxApi(ListAPIView):
    """待办: the caller's steps in progress, the most urgent first."""

    serializer_class = s.InboxStepOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Step.objects.none()
        params = self.request.query_params
        flag = params.get("flag")
        if flag and flag not in Flag.values:
            raise ValidationError({"flag": [_("Use one of: %(values)s.") % {"values": ", ".join(Flag.values)}]})
        return selectors.step_inbox(self.request.user, flag=flag, mine=params.get("mine") in {"1", "true"})

    @extend_schema(summary=gettext_lazy("My inbox of steps (待办)"), tags=TAG, parameters=[
        OpenApiParameter("flag", enum=Flag.values),
        OpenApiParameter("mine", bool, description=gettext_lazy("Only steps assigned to me."))],
        description=gettext_lazy("An approver sees the open steps of their department that are unassigned or "
                                 "assigned to them; a manager all of their department's (a district manager every "
                                 "department's)."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApproveStepApi(StepActionApi):
    input_serializer = s.CommentInputSerializer

    @action_schema(gettext_lazy("Approve a step"), s.CommentInputSerializer,
                   gettext_lazy("The next step starts; after the last step the application is approved."))
    def post(self, request, pk, step_id):
        return super().post(request, pk, step_id=step_id)

    def act(self, request, application, data, step_id):
        services.approve_step(application_id=application.pk, step_id=int(step_id), actor=request.user,
                              comment=data["comment"], now=timezone.now())


class DenyStepApi(StepActionApi):
    input_serializer = s.ReasonInputSerializer

    @action_schema(gettext_lazy("Deny (不予许可)"), s.ReasonInputSerializer)
    def post(self, request, pk, step_id):
        return super().post(request, pk, step_id=step_id)

    def act(self, request, application, data, step_id):
        services.deny_step(application_id=application.pk, step_id=int(step_id), actor=request.user,
                           reason=data["reason"], now=timezone.now())


class SuspendApi(ApplicationActionApi):
    permission = permissions.can_pause_clock
    input_serializer = s.SuspendInputSerializer

    @action_schema(gettext_lazy("Pause the clock (特别程序)"), s.SuspendInputSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.suspend_application(application_id=application.pk, actor=request.user, now=timezone.now(), **data)


class ResumeApi(ApplicationActionApi):
    permission = permissions.can_pause_clock

    @action_schema(gettext_lazy("Resume the clock"),
                   description=gettext_lazy("Due dates move by the working days paused."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.resume_application(application_id=application.pk, actor=request.user, now=timezone.now())


class ExtendApi(ApplicationActionApi):
    permission = permissions.can_extend
    input_serializer = s.ExtendInputSerializer

    @action_schema(gettext_lazy("Extend the time limit (延期)"), s.ExtendInputSerializer,
                   gettext_lazy("A manager's decision, once per application, with a reason told to the applicant."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.extend_application(application_id=application.pk, actor=request.user, now=timezone.now(), **data)


class DeliverApi(ApplicationActionApi):
    permission = permissions.can_deliver
    input_serializer = s.DeliverInputSerializer

    @action_schema(gettext_lazy("Deliver the result (送达)"), s.DeliverInputSerializer,
                   gettext_lazy("Collection at a window records a visit; mail needs the waybill number."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.deliver_application(application_id=application.pk, clerk=request.user, now=timezone.now(),
                                     **data)


class WithdrawApi(ApplicationActionApi):
    permission = permissions.can_withdraw
    input_serializer = s.WithdrawInputSerializer

    @action_schema(gettext_lazy("Withdraw (撤回)"), s.WithdrawInputSerializer)
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.withdraw_application(application_id=application.pk, actor=request.user, now=timezone.now(),
                                      reason=data["reason"])


class VisitsApi(ApplicationActionApi):
    permission = permissions.can_record_visit
    input_serializer = s.VisitInputSerializer
    success_status = status.HTTP_201_CREATED

    @extend_schema(summary=gettext_lazy("Visits of an application (跑动)"), tags=TAG,
                   responses={200: s.VisitOutputSerializer(many=True)})
    def get(self, request, pk):
        application = self.get_application(pk)
        return Response(s.VisitOutputSerializer(application.visits.all(), many=True).data)

    @extend_schema(summary=gettext_lazy("Record a visit"), tags=TAG, request=s.VisitInputSerializer,
                   responses={201: s.ApplicationDetailOutputSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        window = None
        if "window" in data:
            window = Window.objects.filter(pk=data["window"], active=True).select_related("hall").first()
            if window is None:
                raise NotFound(_("No such window."))
        services.record_visit(application_id=application.pk, clerk=request.user, purpose=data["purpose"],
                              window=window, now=timezone.now())


class MaterialUploadApi(ApplicationActionApi):
    permission = permissions.can_upload
    input_serializer = s.MaterialUploadInputSerializer
    parser_classes = [MultiPartParser, FormParser]
    success_status = status.HTTP_201_CREATED

    @extend_schema(summary=gettext_lazy("Upload a material"), tags=TAG,
                   request={"multipart/form-data": s.MaterialUploadInputSerializer},
                   responses={201: s.ApplicationDetailOutputSerializer},
                   description=gettext_lazy(
                       "PDF, JPEG or PNG, checked by content; at most UPLOAD_MAX_BYTES (20 MB) → 413."))
    def post(self, request, pk):
        # A body far over the limit never gets here: RequestSizeLimitMiddleware answers 413 first.
        return super().post(request, pk)

    def act(self, request, application, data):
        services.upload_material(application_id=application.pk, actor=request.user, material_id=data["material"],
                                 upload=data["file"], now=timezone.now())


class ReceivedMaterialsApi(ApplicationActionApi):
    permission = permissions.can_take_in
    input_serializer = s.ReceivedMaterialsInputSerializer

    @action_schema(gettext_lazy("Record materials received at the window (窗口收取材料)"),
                   s.ReceivedMaterialsInputSerializer,
                   gettext_lazy("The clerk records each paper material the applicant handed in, original or copy "
                                "and how many copies; recording one again corrects it. With every required "
                                "material uploaded or received, the application can be accepted."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        services.record_received_materials(application_id=application.pk, actor=request.user,
                                           items=data["items"], now=timezone.now())


class MaterialDownloadApi(ApplicationApiMixin, APIView):
    @extend_schema(summary=gettext_lazy("Download an uploaded material"), tags=TAG,
                   responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk, material_pk):
        application = self.get_application(pk)
        upload = get_object_or_404(UploadedMaterial, application=application, pk=material_pk)
        return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name,
                            content_type=upload.content_type)


class TrackThrottle(AnonRateThrottle):
    scope = "track"


class TrackApi(APIView):
    """Public progress (办件公开): no personal data; a wrong code is a plain 404."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TrackThrottle]

    @extend_schema(summary=gettext_lazy("Track an application (public)"), tags=["public"], auth=[],
                   parameters=[OpenApiParameter("code", str, required=True,
                                                description=gettext_lazy("Verification code."))],
                   responses={200: s.TrackOutputSerializer})
    def get(self, request, tracking_number):
        code = request.query_params.get("code", "").strip().upper()
        application = selectors.track(tracking_number, code)
        if application is None:
            raise NotFound(_("No application matches this tracking number and code."))
        return Response(s.TrackOutputSerializer(selectors.track_view(application)).data)


class NoticeApi(ApplicationApiMixin, APIView):
    @extend_schema(summary=gettext_lazy("A written notice as PDF"), tags=TAG,
                   responses={(200, "application/pdf"): bytes},
                   description=gettext_lazy("`kind` is one of `acceptance`, `refusal`, `correction`, `denial`, as "
                                            "listed in the application's `notices`."))
    def get(self, request, pk, kind):
        application = self.get_application(pk)
        if kind not in notices.available_notices(application):
            raise NotFound(_("This application has no such notice."))
        pdf = notices.render_notice(application, kind)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{application.tracking_number}-{kind}.pdf"'
        return response
