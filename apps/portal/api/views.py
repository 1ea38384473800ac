"""Drafts of online applications (草稿): read and saved by their applicant, one per item."""

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.applications.models import DeliveryMethod
from apps.catalog import selectors as catalog

from .. import selectors, services


class DraftSerializer(serializers.Serializer):
    service_item = serializers.CharField(source="service_item.code", read_only=True)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices, allow_blank=True, required=False,
                                              default="")
    delivery_address = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    updated_at = serializers.DateTimeField(read_only=True)


class IsCitizen(BasePermission):
    """Drafts are a citizen's own online applications."""

    def has_permission(self, request, view):
        return request.user.role == Role.CITIZEN


class DraftApi(APIView):
    permission_classes = [IsAuthenticated, IsCitizen]

    def _item(self, request, code):
        guide = catalog.public_guide(code=code)
        if guide is None or not guide.online:
            raise NotFound()
        return guide.item

    @extend_schema(summary=gettext_lazy("Read my draft for an item"), tags=["portal"],
                   responses={200: DraftSerializer, 404: OpenApiResponse(description=gettext_lazy(
                       "No draft, or an application was sent since it was saved."))})
    def get(self, request, code):
        draft = selectors.open_draft(applicant=request.user, service_item=self._item(request, code))
        if draft is None:
            raise NotFound()
        return Response(DraftSerializer(draft).data)

    @extend_schema(summary=gettext_lazy("Save my draft for an item"), tags=["portal"], request=DraftSerializer,
                   responses={200: DraftSerializer},
                   description=gettext_lazy("Saves the delivery choices of an online application not yet sent, so "
                                            "that they survive closing the browser. Files are not part of a draft."))
    def put(self, request, code):
        item = self._item(request, code)
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = services.save_draft(applicant=request.user, service_item=item, now=timezone.now(),
                                    **data.validated_data)
        return Response(DraftSerializer(draft).data)
