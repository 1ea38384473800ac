"""The one shape of an action endpoint: POST on one object, through a service, replayable by Idempotency-Key."""

from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.idempotency import run_idempotent


class ActionApi(APIView):
    """Find the object the caller may see (404), check the rule (403), read the body (400), call one service.

    A subclass names `get_target` (the lookup), `permission` (the rule, `(user, target) -> bool`),
    `input_serializer` (the body, if any), `act` (the service call) and `respond` (the answer when
    `act` returns none of its own). Refusals raised by the service reach the API's exception
    handler: 409 for a conflict, 404 for not found, 400 for a broken rule.
    """

    input_serializer = None
    permission = None
    success_status = status.HTTP_200_OK
    refusal = None

    def post(self, request, pk, **kwargs):
        def run():
            target = self.get_target(pk)
            self.check_rule(target, **kwargs)
            data = {}
            if self.input_serializer is not None:
                serializer = self.input_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
            result = self.act(request, target, data, **kwargs)
            return result if isinstance(result, Response) else self.respond(pk)

        return run_idempotent(request, run)

    def get_target(self, pk):
        """The object the caller may see, or a NotFound: each action endpoint names its own lookup."""
        raise NotImplementedError(f"{type(self).__name__} names no lookup")

    def check_rule(self, target, **kwargs):
        if not type(self).permission(self.request.user, target):
            raise PermissionDenied(self.refusal)

    def act(self, request, target, data, **kwargs):
        """The one service call of the action: each action endpoint names its own."""
        raise NotImplementedError(f"{type(self).__name__} names no service call")

    def respond(self, pk) -> Response:
        """The answer when `act` returns none of its own: each family of endpoints names its representation."""
        raise NotImplementedError(f"{type(self).__name__} names no answer")
