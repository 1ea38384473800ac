"""The domain's refusals, one family for every app; the API maps them once (`core.api.exceptions`).

Services raise these, never HTTP exceptions, so a Celery task or a management command
calling a service gets the same refusal the API turns into 409, 404 or 400.
"""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A refusal with a message for the user and a stable code for clients."""

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class Conflict(DomainError):
    """409: the current state does not allow the action, or a concurrent update won."""

    default_code = "conflict"


class NotFound(DomainError):
    """404: no such object, or none the caller may see (never revealing which)."""

    default_code = "not_found"


class TooLarge(DomainError):
    """413: more than the system takes (an uploaded file)."""

    default_code = "payload_too_large"


class RuleBroken(ValidationError):
    """400: the request breaks a rule of the domain; `{field: message}` says where.

    A kind of Django's `ValidationError`, so a model's `full_clean()` and a service's own
    rule read the same to every caller.
    """
