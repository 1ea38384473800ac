"""One error shape for the API, and the one place the domain's refusals become HTTP.

DRF already answers its own exceptions; this adds the domain family of `core.errors`
(conflict 409, not found 404) and Django's `ValidationError` (a broken rule, or a
model's `full_clean()` inside a service) as a 400 with field messages, so a service's
refusal never becomes a 500. An error is JSON even where a file was asked for (`?format=csv`).
"""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core import errors

from .renderers import FastJSONRenderer


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE: not Django's HTML 400
        exc = PayloadTooLarge(_("The request body is too large."))
    elif isinstance(exc, errors.Conflict):
        exc = Conflict(exc.message, code=exc.code)
    elif isinstance(exc, errors.NotFound):
        exc = exceptions.NotFound(exc.message, code=exc.code)
    elif isinstance(exc, errors.TooLarge):
        exc = PayloadTooLarge(exc.message, code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and getattr(getattr(request, "accepted_renderer", None), "render_style", "") == "binary":
        # An export (CSV, XLSX) asked for: its error is still JSON in the error shape, not a file.
        request.accepted_renderer, request.accepted_media_type = FastJSONRenderer(), FastJSONRenderer.media_type
    return response


class Conflict(exceptions.APIException):
    """409: the current state does not allow the action, or a concurrent update won."""

    status_code = 409
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"
