from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.throttling import ClientAddressThrottle

from .. import services
from ..lockout import SignInLocked, sign_in
from .serializers import MeOutputSerializer, RegisterInputSerializer, TokenInputSerializer, TokenOutputSerializer


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


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary=gettext_lazy("Who am I"), responses={200: MeOutputSerializer}, tags=["accounts"])
    def get(self, request):
        return Response(MeOutputSerializer(request.user).data)
