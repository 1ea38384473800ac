"""The schema's error answers, derived in one place from what each view really does.

Every operation documents the errors it can answer, each in the shape `core.api.exceptions` gives it
(`{"detail": "..."}`, or field messages for a 400):

- 400 where it takes input (parameters, a body, or the `Idempotency-Key` of a POST);
- 401 where it authenticates (no credentials where they are needed, or a token that is not valid), with
  `WWW-Authenticate`;
- 403 where a permission class refuses some roles, on an action, or on a write that a signed-in browser
  session sends without its CSRF token;
- 404 where the path names an object, or a page of a list that does not exist;
- 409 on an action the current state does not allow;
- 413 where it takes a body, and 415 for a body in a media type it does not read;
- 429 where a rate limit applies, with `Retry-After` when the wait is known;
- 503 everywhere, with `Retry-After`, while the database cannot be reached.

A view that documents one of these itself (with a description of its own) keeps its description; the body
schema is added here. Exports (CSV, XLSX) are documented as the files they are.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated

from .views import ActionApi

JSON = "application/json"
ERROR = "Error"
FIELD_ERRORS = "FieldErrors"
VALIDATION_ERROR = "ValidationError"

COMPONENTS = {
    ERROR: {
        "type": "object",
        "description": _("Every error but a 400: one message for the user."),
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
        "additionalProperties": False,
    },
    # What DRF writes for a field: a list of messages, or the same shape again for a nested object or list.
    FIELD_ERRORS: {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"}},
            {"type": "object", "additionalProperties": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"}},
        ],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": _("A 400: the messages of each field that is not valid (`non_field_errors` for the request "
                         "as a whole), or `detail` for a request that could not be read."),
        "additionalProperties": {"$ref": f"#/components/schemas/{FIELD_ERRORS}"},
        "minProperties": 1,
    },
}

RETRY_AFTER = {"schema": {"type": "integer", "minimum": 0}}


def _retry_after(description, *, required: bool) -> dict:
    return {"Retry-After": {**RETRY_AFTER, "description": description, "required": required}}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for name, schema in COMPONENTS.items():
            registry.register_on_missing(ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA,
                                                           object=name, schema=schema))
        self._document_exports(operation["responses"])
        for status, (description, headers) in self.error_responses(operation).items():
            component = VALIDATION_ERROR if status == "400" else ERROR
            response = operation["responses"].setdefault(status, {"description": description})
            response.setdefault("content", {JSON: {"schema": {"$ref": f"#/components/schemas/{component}"}}})
            if headers:
                response.setdefault("headers", {}).update(headers)
        operation["responses"] = dict(sorted(operation["responses"].items()))
        return operation

    def error_responses(self, operation: dict) -> dict[str, tuple]:
        """{status: (description, headers)} of the errors this operation can answer."""
        view, unsafe = self.view, self.method not in SAFE_METHODS
        authenticators = view.get_authenticators()
        errors = {}
        if operation.get("parameters") or "requestBody" in operation or unsafe:
            errors["400"] = (_("The input is not valid: the messages of each field."), {})
        if authenticators and authenticators[0].authenticate_header(view.request):
            errors["401"] = (_("Not authenticated: no token where one is needed, a token that is not valid, or a "
                               "wrong username or password."), {
                "WWW-Authenticate": {"schema": {"type": "string"}, "required": True,
                                     "description": _("How to authenticate: `Token`.")}})
        acts = isinstance(view, ActionApi) and self.method == "POST"
        refuses_roles = acts or any(type(permission) not in (AllowAny, IsAuthenticated)
                                    for permission in view.get_permissions())
        checks_csrf = unsafe and any(isinstance(auth, SessionAuthentication) for auth in authenticators)
        if refuses_roles or checks_csrf:
            errors["403"] = (_("The caller's role may not do this (or a browser session sent no CSRF token)."), {})
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            errors["404"] = (_("No such object, or none the caller may see (never revealing which); or no such "
                               "page of a list."), {})
        if acts:
            errors["409"] = (_("The current state does not allow this action, or a concurrent update won."), {})
        if "requestBody" in operation:
            errors["413"] = (_("The request body (or the uploaded file) is too large."), {})
            errors["415"] = (_("The request body is in a media type this operation does not read."), {})
        if view.get_throttles():
            errors["429"] = (_("Too many requests from this address, or too many failed sign-ins: wait and retry."),
                             _retry_after(_("Seconds to wait, when known."), required=False))
        errors["503"] = (_("The database cannot be reached for a moment: retry."),
                         _retry_after(_("Seconds to wait."), required=True))
        return errors

    def _document_exports(self, responses: dict):
        """A renderer that writes a file (CSV, XLSX) answers bytes, not the serializer's JSON."""
        files = {renderer.media_type for renderer in self.view.get_renderers()
                 if getattr(renderer, "render_style", "text") == "binary"}
        for status, response in responses.items():
            for media_type, content in response.get("content", {}).items():
                if status.startswith("2") and media_type in files:
                    content["schema"] = {"type": "string", "format": "binary"}
