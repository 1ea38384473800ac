"""The error answers: JSON in the API's error shape under /api/, plain pages elsewhere."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions

# Seconds a client is asked to wait while the database is unreachable (it is usually back within seconds).
DATABASE_RETRY_AFTER_SECONDS = 10
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def api_error(detail, status: int) -> JsonResponse:
    """`{"detail": "..."}`, the shape every API error has (API.md)."""
    return JsonResponse({"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False})


def database_unavailable(request) -> HttpResponse:
    """503 while the database cannot be reached: JSON for the API, a plain page (no database needed) for people."""
    if is_api_request(request):
        response = api_error(_("The service is briefly unavailable; please try again in a few seconds."), 503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def bad_request(request, exception):
    if is_api_request(request):
        return api_error(exceptions.ParseError.default_detail, 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api_request(request):
        return api_error(exceptions.PermissionDenied.default_detail, 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api_request(request):
        return api_error(exceptions.NotFound.default_detail, 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    exc = sys.exc_info()[1]  # called while Django handles the exception
    if isinstance(exc, DATABASE_DOWN_ERRORS):
        return database_unavailable(request)
    if is_api_request(request):
        return api_error(exceptions.APIException.default_detail, 500)
    return defaults.server_error(request)


