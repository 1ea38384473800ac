from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from apps.applications import permissions
from apps.applications import selectors as application_selectors
from apps.core.api.views import ActionApi

from .. import selectors, services
from ..models import Rectification
from .serializers import (
    AnswerInputSerializer,
    FollowUpInputSerializer,
    RatingInputSerializer,
    RatingOutputSerializer,
    RectificationOutputSerializer,
)


@extend_schema_view(post=extend_schema(
    summary=gettext_lazy("Rate the service (好差评)"), tags=["applications"], request=RatingInputSerializer,
    responses={201: RatingOutputSerializer},
    description=gettext_lazy("Once per application, by the applicant, after delivery, denial or refusal. A bad "
                             "rating (1 or 2) opens a rectification the department must answer.")))
class RatingApi(ActionApi):
    permission = permissions.can_rate
    refusal = gettext_lazy("Your role may not do this to this application.")
    input_serializer = RatingInputSerializer

    def get_target(self, pk):
        application = application_selectors.application_for_action(self.request.user, pk).first()
        if application is None:
            raise NotFound(_("No such application."))
        return application

    def act(self, request, application, data):
        rating = services.rate_application(application_id=application.pk, rater=request.user, now=timezone.now(),
                                           **data)
        return Response(RatingOutputSerializer(rating).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(
    summary=gettext_lazy("Rectifications of bad ratings (差评整改)"), tags=["ratings"],
    description=gettext_lazy("A department's staff see its own; a district manager all; a citizen the follow-up of "
                             "their own ratings.")))
class RectificationListApi(ListAPIView):
    serializer_class = RectificationOutputSerializer
    filterset_class = selectors.RectificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rectification.objects.none()
        return selectors.visible_rectifications(self.request.user).order_by("due_date", "id")


@extend_schema_view(post=extend_schema(
    summary=gettext_lazy("Answer a rectification"), tags=["ratings"], request=AnswerInputSerializer,
    responses={200: RectificationOutputSerializer},
    description=gettext_lazy("The department says what it verified and put right; the applicant is told.")))
class RectificationAnswerApi(ActionApi):
    permission = selectors.can_answer
    refusal = gettext_lazy("The department that handled the case answers it.")
    input_serializer = AnswerInputSerializer

    def get_target(self, pk):
        rectification = selectors.visible_rectifications(self.request.user).filter(pk=pk).first()
        if rectification is None:
            raise NotFound(_("No such rectification."))
        return rectification

    def act(self, request, rectification, data):
        services.answer_rectification(rectification_id=rectification.pk, actor=request.user, now=timezone.now(),
                                      **data)

    def respond(self, pk):
        return Response(RectificationOutputSerializer(self.get_target(pk)).data)


def _is_the_rater(user, rectification) -> bool:
    return rectification.rating.rater_id == user.pk


@extend_schema_view(post=extend_schema(
    summary=gettext_lazy("Say whether the answer satisfies me"), tags=["ratings"], request=FollowUpInputSerializer,
    responses={200: RectificationOutputSerializer},
    description=gettext_lazy("回访: the applicant who rated badly says once, after the department's answer, whether "
                             "it satisfies them (409 before the answer or a second time).")))
class RectificationFollowUpApi(RectificationAnswerApi):
    permission = _is_the_rater
    refusal = gettext_lazy("Only the person who rated answers this.")
    input_serializer = FollowUpInputSerializer

    def act(self, request, rectification, data):
        services.record_follow_up(rectification_id=rectification.pk, rater=request.user, now=timezone.now(), **data)
