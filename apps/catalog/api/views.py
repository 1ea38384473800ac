"""The public catalogue: anyone, signed in or not, may read the service guides."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..guide_cache import cached_guide
from .serializers import GuideDetailSerializer, GuideListSerializer


class PublicApi(APIView):
    """No authentication at all: a stale token or session must not lock anyone out of a public guide."""

    authentication_classes = []
    permission_classes = [AllowAny]


@extend_schema(
    tags=["catalogue"],
    summary=_("List service items"),
    description=_("The public service guide: every active item with a published version, ordered by code. "
                  "Filters combine with AND. No authentication needed."),
    responses={200: GuideListSerializer(many=True),
               400: OpenApiResponse(description=_("A filter value is not valid (field messages)."))},
)
class ServiceItemListApi(PublicApi, ListAPIView):
    serializer_class = GuideListSerializer
    filterset_class = selectors.PublicGuideFilter

    def get_queryset(self):
        return selectors.public_guides()


class ServiceItemDetailApi(PublicApi):
    @extend_schema(
        tags=["catalogue"],
        summary=_("Read a service guide"),
        description=_("The service guide (服务指南) of one active item, from its current version: the guide text, "
                      "limits, materials (their ids are the ones an application attaches files against) and "
                      "approval steps. No authentication needed."),
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH,
                                     description=_("The item's basic code (基本编码)."))],
        responses={200: GuideDetailSerializer,
                   404: OpenApiResponse(description=_("No active item has this code."))},
    )
    def get(self, request, code):
        current = selectors.public_guide_version(code=code)
        if current is None:
            raise NotFound()
        return Response(cached_guide(*current, render=lambda: self.render(code)))

    @staticmethod
    def render(code: str) -> dict:
        guide = selectors.public_guide(code=code)
        if guide is None:  # unpublished between the two reads
            raise NotFound()
        return GuideDetailSerializer(guide).data
