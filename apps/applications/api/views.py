"""Thin views: resolve what the caller may see (404), check the rule (403), call one service."""

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.accounts.selectors import assignee_by_id
from apps.catalog.selectors import open_service_item, open_window
from apps.core.api.throttling import ClientAddressThrottle
from apps.core.api.views import ActionApi
from apps.core.idempotency import run_idempotent

from .. import law, notices, permissions, selectors, services, uploads
from ..models import Application, Step
from . import serializers as s

TAG = ["applications"]


class ApplicationApiMixin:
    """Resolves the application the caller may see (404 otherwise) and answers with its representation."""

    def get_application(self, pk, *, for_action: bool = False) -> Application:
        selector = selectors.application_for_action if for_action else selectors.application_detail
        application = selector(self.request.user, pk).first()
        if application is None:
            raise NotFound(_("No such application."))
        return application

    def detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        return self.represent(self.get_application(pk), status_code)

    def represent(self, application: Application | None, status_code=status.HTTP_200_OK) -> Response:
        if application is None:
            raise NotFound(_("No such application."))
        return Response(s.ApplicationDetailOutputSerializer(application, context={"request": self.request}).data,
                        status=status_code)


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("List applications"), tags=TAG, description=gettext_lazy(
        "Scoped to the caller: a citizen sees their own; a clerk their hall's and those waiting at intake or for "
        "collection anywhere; an approver their department's; a manager their department's, or everything for a "
        "district manager.")),
    post=extend_schema(summary=gettext_lazy("Submit an application"), tags=TAG,
                       request=s.ApplicationCreateInputSerializer,
                       responses={201: s.ApplicationDetailOutputSerializer,
                                  404: OpenApiResponse(description=gettext_lazy("No such service item."))},
                       description=gettext_lazy(
                           "A citizen applies online for themself, and an enterprise account in the enterprise's "
                           "name with its acting person; a clerk takes in a window application on behalf of the "
                           "applicant given in `applicant` (this records a visit): a person `{name, id_number, "
                           "phone}` or an enterprise `{name, credit_code, agent_name, agent_id_number, phone}`. "
                           "The account of that person (by ID number) or enterprise (by credit code), if any, "
                           "sees the application.")),
)
class ApplicationListCreateApi(ApplicationApiMixin, ListAPIView):
    serializer_class = s.ApplicationListOutputSerializer
    filterset_class = selectors.ApplicationFilter

    def get_queryset(self):
        return selectors.application_list(self.request.user)

    def post(self, request):
        if request.user.role not in {Role.CITIZEN, Role.CLERK}:
            raise PermissionDenied(_("Only citizens and counter clerks submit applications."))

        def act():
            data = s.ApplicationCreateInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = dict(data.validated_data)
            item = open_service_item(fields.pop("service_item"))
            if item is None:
                raise NotFound(_("No such service item."))
            if not permissions.can_submit(request.user, item):
                raise PermissionDenied(_("Your window does not take in this item; a comprehensive window does."))
            application = services.submit_application(actor=request.user, item=item, now=timezone.now(), **fields)
            return self.represent(selectors.submitted_application_detail(request.user, application.pk),
                                  status.HTTP_201_CREATED)

        return run_idempotent(request, act)


@extend_schema_view(get=extend_schema(summary=gettext_lazy("One application"), tags=TAG,
                                      responses={200: s.ApplicationDetailOutputSerializer}))
class ApplicationDetailApi(ApplicationApiMixin, APIView):
    def get(self, request, pk):
        return self.detail_response(pk)


class ApplicationActionApi(ApplicationApiMixin, ActionApi):
    """POST an action: 404 if the caller cannot see it, 403 if their role may not act, 409 if the state forbids."""

    refusal = gettext_lazy("Your role may not do this to this application.")

    def get_target(self, pk):
        return self.get_application(pk, for_action=True)

    def respond(self, pk):
        # An action answers with the application, unless it has a representation of its own.
        return self.detail_response(pk, self.success_status)


def action_schema(summary, request=None, description=""):
    return extend_schema_view(post=extend_schema(summary=summary, tags=TAG, request=request, description=description,
                                                 responses={200: s.ApplicationDetailOutputSerializer}))


@action_schema(gettext_lazy("Accept (受理)"),
               description=gettext_lazy("Starts the clock: due dates are set and the first step starts. "
                                        "An instant item is approved at once. Every required material must be "
                                        "uploaded or received at the window: otherwise 400 with `materials` "
                                        "listing what is missing."))
class AcceptApi(ApplicationActionApi):
    permission = permissions.can_take_in

    def act(self, request, application, data):
        services.accept_application(application_id=application.pk, actor=request.user, now=timezone.now())


@action_schema(gettext_lazy("Refuse to accept (不予受理)"), s.ReasonInputSerializer)
class RejectApi(ApplicationActionApi):
    permission = permissions.can_take_in
    input_serializer = s.ReasonInputSerializer

    def act(self, request, application, data):
        services.reject_application(application_id=application.pk, actor=request.user, reason=data["reason"],
                                    now=timezone.now())


@action_schema(gettext_lazy("One-time correction notice (一次性告知补正)"), s.CorrectionInputSerializer,
               gettext_lazy("Lists every material to correct. A further notice needs `violation_reason` and is "
                            "recorded as a breach of the one-time-notice rule."))
class RequestCorrectionApi(ApplicationActionApi):
    permission = permissions.can_take_in
    input_serializer = s.CorrectionInputSerializer

    def act(self, request, application, data):
        services.request_correction(application_id=application.pk, actor=request.user, items=data["items"],
                                    note=data["note"], violation_reason=data["violation_reason"],
                                    now=timezone.now())


@action_schema(gettext_lazy("Resubmit after correction"),
               description=lazy(lambda: _("A new %(days)s-working-day intake period starts today.")
                                % {"days": law.INTAKE_WORKDAYS}, str)())
class ResubmitApi(ApplicationActionApi):
    permission = permissions.can_resubmit

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


@action_schema(gettext_lazy("Assign a step (分派)"), s.AssignInputSerializer,
               gettext_lazy("A manager of the step's department assigns it to one of its approvers or managers; an "
                            "approver takes an unassigned step for themself (or gives it back with null)."))
class AssignStepApi(ApplicationActionApi):
    input_serializer = s.AssignInputSerializer

    def check_rule(self, application, step_id):
        _step(application, step_id)  # the assignee is checked with the body, in act()

    def act(self, request, application, data, step_id):
        assignee = None
        if data["assignee"] is not None:
            assignee = assignee_by_id(data["assignee"])
            if assignee is None:
                raise ValidationError({"assignee": [_("No such user.")]})
        if not permissions.can_assign_step(request.user, application, _step(application, step_id), assignee):
            raise PermissionDenied(_("A manager assigns steps; an approver may only take one for themself."))
        services.assign_step(application_id=application.pk, step_id=int(step_id), actor=request.user,
                             assignee=assignee, now=timezone.now())


@extend_schema_view(get=extend_schema(
    summary=gettext_lazy("My inbox of steps (待办)"), tags=TAG,
    description=gettext_lazy("An approver sees the open steps of their department that are unassigned or "
                             "assigned to them; a manager all of their department's (a district manager every "
                             "department's).")))
class StepInboxApi(ListAPIView):
    """待办: the caller's steps in progress, the most urgent first."""

    serializer_class = s.InboxStepOutputSerializer
    filterset_class = selectors.InboxFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Step.objects.none()
        return selectors.step_inbox(self.request.user)


@action_schema(gettext_lazy("Approve a step"), s.CommentInputSerializer,
               gettext_lazy("The next step starts; after the last step the application is approved."))
class ApproveStepApi(StepActionApi):
    input_serializer = s.CommentInputSerializer

    def act(self, request, application, data, step_id):
        services.approve_step(application_id=application.pk, step_id=int(step_id), actor=request.user,
                              comment=data["comment"], now=timezone.now())


@action_schema(gettext_lazy("Deny (不予许可)"), s.ReasonInputSerializer)
class DenyStepApi(StepActionApi):
    input_serializer = s.ReasonInputSerializer

    def act(self, request, application, data, step_id):
        services.deny_step(application_id=application.pk, step_id=int(step_id), actor=request.user,
                           reason=data["reason"], now=timezone.now())


@action_schema(gettext_lazy("Pause the clock (特别程序)"), s.SuspendInputSerializer)
class SuspendApi(ApplicationActionApi):
    permission = permissions.can_pause_clock
    input_serializer = s.SuspendInputSerializer

    def act(self, request, application, data):
        services.suspend_application(application_id=application.pk, actor=request.user, now=timezone.now(), **data)


@action_schema(gettext_lazy("Resume the clock"), description=gettext_lazy("Due dates move by the working days paused."))
class ResumeApi(ApplicationActionApi):
    permission = permissions.can_pause_clock

    def act(self, request, application, data):
        services.resume_application(application_id=application.pk, actor=request.user, now=timezone.now())


@action_schema(gettext_lazy("Extend the time limit (延期)"), s.ExtendInputSerializer,
               gettext_lazy("A manager's decision, once per application, with a reason told to the applicant."))
class ExtendApi(ApplicationActionApi):
    permission = permissions.can_extend
    input_serializer = s.ExtendInputSerializer

    def act(self, request, application, data):
        services.extend_application(application_id=application.pk, actor=request.user, now=timezone.now(), **data)


@action_schema(gettext_lazy("Deliver the result (送达)"), s.DeliverInputSerializer,
               gettext_lazy("Collection at a window records a visit; mail needs the waybill number."))
class DeliverApi(ApplicationActionApi):
    permission = permissions.can_deliver
    input_serializer = s.DeliverInputSerializer

    def act(self, request, application, data):
        services.deliver_application(application_id=application.pk, clerk=request.user, now=timezone.now(),
                                     **data)


@action_schema(gettext_lazy("Withdraw (撤回)"), s.WithdrawInputSerializer)
class WithdrawApi(ApplicationActionApi):
    permission = permissions.can_withdraw
    input_serializer = s.WithdrawInputSerializer

    def act(self, request, application, data):
        services.withdraw_application(application_id=application.pk, actor=request.user, now=timezone.now(),
                                      reason=data["reason"])


@extend_schema_view(
    get=extend_schema(summary=gettext_lazy("Visits of an application (跑动)"), tags=TAG,
                      responses={200: s.VisitOutputSerializer(many=True)}),
    post=extend_schema(summary=gettext_lazy("Record a visit"), tags=TAG, request=s.VisitInputSerializer,
                       responses={201: s.ApplicationDetailOutputSerializer}),
)
class VisitsApi(ApplicationActionApi):
    permission = permissions.can_record_visit
    input_serializer = s.VisitInputSerializer
    success_status = status.HTTP_201_CREATED

    def get(self, request, pk):
        application = self.get_application(pk)
        return Response(s.VisitOutputSerializer(application.visits.all(), many=True).data)

    def act(self, request, application, data):
        window = None
        if "window" in data:
            window = open_window(data["window"])
            if window is None:
                raise NotFound(_("No such window."))
        services.record_visit(application_id=application.pk, clerk=request.user, purpose=data["purpose"],
                              window=window, now=timezone.now())


@extend_schema_view(post=extend_schema(
    summary=gettext_lazy("Upload a material"), tags=TAG,
    request={"multipart/form-data": s.MaterialUploadInputSerializer},
    responses={201: s.ApplicationDetailOutputSerializer},
    description=gettext_lazy("PDF, JPEG or PNG, checked by content; at most UPLOAD_MAX_BYTES (20 MB) → 413.")))
class MaterialUploadApi(ApplicationActionApi):
    """A body far over the limit never gets here: RequestSizeLimitMiddleware answers 413 first."""

    permission = permissions.can_upload
    input_serializer = s.MaterialUploadInputSerializer
    parser_classes = [MultiPartParser, FormParser]
    success_status = status.HTTP_201_CREATED

    def act(self, request, application, data):
        services.upload_material(application_id=application.pk, actor=request.user, material_id=data["material"],
                                 upload=data["file"], now=timezone.now())


@action_schema(gettext_lazy("Record materials received at the window (窗口收取材料)"),
               s.ReceivedMaterialsInputSerializer,
               gettext_lazy("The clerk records each paper material the applicant handed in, original or copy "
                            "and how many copies; recording one again corrects it. With every required "
                            "material uploaded or received, the application can be accepted."))
class ReceivedMaterialsApi(ApplicationActionApi):
    permission = permissions.can_take_in
    input_serializer = s.ReceivedMaterialsInputSerializer

    def act(self, request, application, data):
        services.record_received_materials(application_id=application.pk, actor=request.user,
                                           items=data["items"], now=timezone.now())


@extend_schema_view(get=extend_schema(summary=gettext_lazy("Download an uploaded material"), tags=TAG,
                                      responses={(200, content_type): bytes
                                                 for _magic, content_type, _ext in uploads.SIGNATURES}))
class MaterialDownloadApi(ApplicationApiMixin, APIView):
    def get(self, request, pk, material_pk):
        upload = selectors.uploaded_material(self.get_application(pk), material_pk)
        if upload is None:
            raise NotFound()
        return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.original_name,
                            content_type=upload.content_type)


class TrackThrottle(ClientAddressThrottle):
    scope = "track"


@extend_schema_view(get=extend_schema(
    summary=gettext_lazy("Track an application (public)"), tags=["public"], auth=[],
    parameters=[OpenApiParameter("code", str, required=True, description=gettext_lazy("Verification code."))],
    responses={200: s.TrackOutputSerializer}))
class TrackApi(APIView):
    """Public progress (办件公开): no personal data; a wrong code is a plain 404."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TrackThrottle]

    def get(self, request, tracking_number):
        code = request.query_params.get("code", "").strip().upper()
        application = selectors.track(tracking_number, code)
        if application is None:
            raise NotFound(_("No application matches this tracking number and code."))
        return Response(s.TrackOutputSerializer(selectors.track_view(application)).data)


@extend_schema_view(get=extend_schema(
    summary=gettext_lazy("A written notice as PDF"), tags=TAG, responses={(200, "application/pdf"): bytes},
    description=gettext_lazy("`kind` is one of `acceptance`, `refusal`, `correction`, `approval`, `denial`, as "
                             "listed in the application's `notices`.")))
class NoticeApi(ApplicationApiMixin, APIView):
    def get(self, request, pk, kind):
        application = self.get_application(pk)
        if kind not in notices.available_notices(application):
            raise NotFound(_("This application has no such notice."))
        pdf = notices.render_notice(application, kind)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{application.tracking_number}-{kind}.pdf"'
        return response
