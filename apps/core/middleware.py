"""Refuse oversized request bodies before anything reads them (the citizen with a 200 MB photo); answer 503
while the database is unreachable."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Room for the multipart envelope and the other form fields around the largest allowed file.
ENVELOPE_BYTES = 64 * 1024


def too_large_message(limit: int) -> str:
    return _("The file is larger than the %(mb)s MB allowed.") % {"mb": limit // (1024 * 1024)}


class RequestSizeLimitMiddleware:
    """413 from the Content-Length header alone, before CSRF checks or parsers touch the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_BYTES
        if length > limit + ENVELOPE_BYTES:
            return JsonResponse({"detail": too_large_message(limit)}, status=413)
        return self.get_response(request)


class RejectNulCharactersMiddleware:
    """400 for a NUL character in the path or the query string: no field here may hold one, and PostgreSQL
    refuses them in text, which would otherwise surface as a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                         for key, values in request.GET.lists()):
            return JsonResponse({"detail": _("The address contains a NUL character.")}, status=400)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """503 with Retry-After instead of a server error while the database cannot be reached.

    Django closes the broken connection at the end of the request and the next request connects again, so
    service comes back by itself when the database does. Errors outside views reach `server_error` instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .views import DATABASE_DOWN_ERRORS, database_unavailable
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.warning("database unavailable: %s", exception)
            return database_unavailable(request)
        return None
