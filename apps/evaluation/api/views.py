from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.applications import permissions
from apps.applications.api.views import ApplicationActionApi

from .. import services
from .serializers import RatingInputSerializer, RatingOutputSerializer


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
