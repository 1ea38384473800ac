"""A request id that follows one request through the logs: the web process, and the Celery tasks it causes.

The id comes from the client's `X-Request-ID` when it is sane (a proxy or a load balancer usually sets one),
or is made here; it is echoed in the response, set on every log record written while the request is
served, sent along in the headers of every task published meanwhile, and set again in the worker while
that task runs (and passed on to the tasks it publishes in turn).
"""

import contextvars
import logging
import re
import uuid

from celery import signals

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
SANE = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_task_tokens: dict[str, contextvars.Token] = {}


def accept_or_make(value: str | None) -> str:
    """The client's id if it is short and plain (nothing that could forge a log line), else a new one."""
    if value and SANE.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the chain, so that even a refusal by a later middleware carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accept_or_make(request.headers.get(HEADER))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record the handler writes ("-" outside a request or a task it caused)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


@signals.before_task_publish.connect(dispatch_uid="request_id.publish")
def _send_request_id_with_task(headers=None, **kwargs):
    request_id = current_request_id.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


@signals.task_prerun.connect(dispatch_uid="request_id.prerun")
def _take_request_id_into_task(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, TASK_HEADER, None) or (task.request.headers or {}).get(TASK_HEADER)
    if request_id and SANE.match(str(request_id)):
        _task_tokens[task_id] = current_request_id.set(str(request_id))


@signals.task_postrun.connect(dispatch_uid="request_id.postrun")
def _leave_task(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        current_request_id.reset(token)
