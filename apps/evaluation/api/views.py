from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.applications import permissions
from apps.applications.api.views import ApplicationActionApi
from apps.applications.idempotency import run_idempotent
from apps.applications.states import TransitionNotAllowed
from apps.core.api.exceptions import Conflict

from .. import selectors, services
from ..models import Rectification
from .serializers import (
    AnswerInputSerializer,
    FollowUpInputSerializer,
    RatingInputSerializer,
    RatingOutputSerializer,
    RectificationOutputSerializer,
)


class RatingApi(ApplicationActionApi):
    permission = permissions.can_rate
    input_serializer = RatingInputSerializer

    @extend_schema(summary=gettext_lazy("Rate the service (好差评)"), tags=["applications"],
                   request=RatingInputSerializer, responses={201: RatingOutputSerializer},
                   description=gettext_lazy("Once per application, by the applicant, after delivery, denial or "
                                            "refusal. A bad rating (1 or 2) opens a rectification the department "
                                            "must answer."))
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, application, data):
        rating = services.rate_application(application_id=application.pk, rater=request.user, now=timezone.now(),
                                           **data)
        return Response(RatingOutputSerializer(rating).data, status=status.HTTP_201_CREATED)


class RectificationListApi(ListAPIView):
    serializer_class = RectificationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rectification.objects.none()
        qs = selectors.visible_rectifications(self.request.user)
        status_filter = self.request.query_params.get("status")
        if status_filter:
            if status_filter not in Rectification.Status.values:
                raise ValidationError({"status": [_("Use one of: %(values)s.")
                                                  % {"values": ", ".join(Rectification.Status.values)}]})
            qs = qs.filter(status=status_filter)
        return qs.order_by("due_date", "id")

    @extend_schema(summary=gettext_lazy("Rectifications of bad ratings (差评整改)"), tags=["ratings"],
                   parameters=[OpenApiParameter("status", enum=Rectification.Status.values)],
                   description=gettext_lazy("A department's staff see its own; a district manager all; a citizen "
                                            "the follow-up of their own ratings."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RectificationAnswerApi(APIView):
    @extend_schema(summary=gettext_lazy("Answer a rectification"), tags=["ratings"], request=AnswerInputSerializer,
                   responses={200: RectificationOutputSerializer},
                   description=gettext_lazy("The department says what it verified and put right; the applicant "
                                            "is told."))
    def post(self, request, pk):
        def act():
            rectification = selectors.visible_rectifications(request.user).filter(pk=pk).first()
            if rectification is None:
                raise NotFound(_("No such rectification."))
            if not selectors.can_answer(request.user, rectification):
                raise PermissionDenied(_("The department that handled the case answers it."))
            data = AnswerInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                services.answer_rectification(rectification_id=rectification.pk, actor=request.user,
                                              now=timezone.now(), **data.validated_data)
            except TransitionNotAllowed as exc:
                raise Conflict(exc.message, code=exc.code)
            return Response(RectificationOutputSerializer(selectors.visible_rectifications(request.user)
                                                          .get(pk=pk)).data)

        return run_idempotent(request, act)


class RectificationFollowUpApi(APIView):
    @extend_schema(summary=gettext_lazy("Say whether the answer satisfies me"), tags=["ratings"],
                   request=FollowUpInputSerializer, responses={200: RectificationOutputSerializer},
                   description=gettext_lazy("回访: the applicant who rated badly says once, after the department's "
                                            "answer, whether it satisfies them (409 before the answer or a second "
                                            "time)."))
    def post(self, request, pk):
        def act():
            rectification = selectors.visible_rectifications(request.user).filter(pk=pk).first()
            if rectification is None:
                raise NotFound(_("No such rectification."))
            if rectification.rating.rater_id != request.user.pk:
                raise PermissionDenied(_("Only the person who rated answers this."))
            data = FollowUpInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                services.record_follow_up(rectification_id=rectification.pk, rater=request.user,
                                          now=timezone.now(), **data.validated_data)
            except TransitionNotAllowed as exc:
                raise Conflict(exc.message, code=exc.code)
            return Response(RectificationOutputSerializer(selectors.visible_rectifications(request.user)
                                                          .get(pk=pk)).data)

        return run_idempotent(request, act)
