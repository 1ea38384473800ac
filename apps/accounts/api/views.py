from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, NotFound, PermissionDenied, Throttled
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.selectors import department_by_code
from apps.core.api.throttling import ClientAddressThrottle

from .. import selectors, services
from ..lockout import SignInLocked, sign_in
from ..models import Role
from .serializers import (
    AssigneeOutputSerializer,
    MeOutputSerializer,
    RegisterEnterpriseInputSerializer,
    RegisterInputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)


class AuthThrottle(ClientAddressThrottle):
    """Slows down password guessing and mass registration per client address."""

    scope = "auth"


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = [TokenAuthentication]  # no session: no CSRF on sign-in; 401 on failure
    throttle_classes = [AuthThrottle]

    @extend_schema(summary=gettext_lazy("Obtain an API token"), request=TokenInputSerializer,
                   responses={200: TokenOutputSerializer}, tags=["accounts"],
                   description=gettext_lazy(
                       "Exchange a username and password for a token to send as `Authorization: Token <key>`. "
                       "After repeated failures the username (or the client address) is locked for a while: 429."))
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = sign_in(request, **data.validated_data)
        except SignInLocked as locked:
            raise Throttled(wait=locked.retry_after_seconds, detail=locked.message)
        if user is None:
            raise AuthenticationFailed(_("Wrong username or password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = [TokenAuthentication]  # no session: no CSRF on sign-in; 401 on failure
    throttle_classes = [AuthThrottle]

    @extend_schema(summary=gettext_lazy("Register as a citizen"), request=RegisterInputSerializer,
                   responses={201: MeOutputSerializer}, tags=["accounts"],
                   description=gettext_lazy("Real-name registration (实名注册). "
                                            "The ID number's check digit is verified (400 if wrong)."))
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.register_citizen(**data.validated_data)
        return Response(MeOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class RegisterEnterpriseApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = [TokenAuthentication]
    throttle_classes = [AuthThrottle]

    @extend_schema(summary=gettext_lazy("Register as an enterprise"), request=RegisterEnterpriseInputSerializer,
                   responses={201: MeOutputSerializer}, tags=["accounts"],
                   description=gettext_lazy("An enterprise account (法人注册): its name, its unified social credit "
                                            "code (check character verified, 400 if wrong) and the person acting "
                                            "for it."))
    def post(self, request):
        data = RegisterEnterpriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.register_enterprise(**data.validated_data)
        return Response(MeOutputSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary=gettext_lazy("Who am I"), responses={200: MeOutputSerializer},
                                      tags=["accounts"]))
class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)


class IsManager(BasePermission):
    """Only managers assign steps (which department's is checked with the department)."""

    message = gettext_lazy("A manager of this department assigns its steps.")

    def has_permission(self, request, view):
        return request.user.role == Role.MANAGER


@extend_schema_view(get=extend_schema(
    summary=gettext_lazy("People to assign a department's steps to"), tags=["accounts"],
    description=gettext_lazy("The active approvers and managers of the department, for a manager who assigns its "
                             "steps (`POST …/steps/{step_id}/assign/` with `{\"assignee\": id}`): a manager of "
                             "that department or a district manager.")))
class DepartmentAssigneesApi(ListAPIView):
    permission_classes = [IsAuthenticated, IsManager]
    serializer_class = AssigneeOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return get_user_model().objects.none()
        department = department_by_code(self.kwargs["code"])
        if department is None:
            raise NotFound(_("No such department."))
        if not self.request.user.manages(department.pk):
            raise PermissionDenied(_("A manager of this department assigns its steps."))
        return selectors.assignable_staff(department.pk)
