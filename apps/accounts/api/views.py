from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .. import services
from .serializers import (
    MeOutputSerializer,
    RegisterEnterpriseInputSerializer,
    RegisterInputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)


class AuthThrottle(AnonRateThrottle):
    """Slows down password guessing and mass registration per client address."""

    scope = "auth"


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = [TokenAuthentication]  # no session: no CSRF on sign-in; 401 on failure
    throttle_classes = [AuthThrottle]

    @extend_schema(summary=gettext_lazy("Obtain an API token"), request=TokenInputSerializer,
                   responses={200: TokenOutputSerializer}, tags=["accounts"],
                   description=gettext_lazy(
                       "Exchange a username and password for a token to send as `Authorization: Token <key>`."))
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
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


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary=gettext_lazy("Who am I"), responses={200: MeOutputSerializer}, tags=["accounts"])
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)
