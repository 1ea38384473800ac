"""Schemathesis hooks for tests/core/test_schemathesis.py, loaded in its process through SCHEMATHESIS_HOOKS."""

import sys
import threading

import schemathesis
from hypothesis.internal import filtering, lambda_sources

from apps.demo.data import USERS

# gunicorn's own limit on the request line (`limit_request_line`, 4094 bytes by default): a longer URL never
# reaches the application, and gunicorn answers 414 with its own HTML page, as any proxy in front would.
SERVER_ANSWERS_ITSELF = {414}


# The demo accounts the stack tests sign in with. The fuzzer signs in with made-up passwords, and learns these
# names from the answers (`GET /auth/me/`); ten wrong passwords for one would lock it for 15 minutes (the lock
# holds across stacks, in the database) and the next stack test could not sign in.
DEMO_USERNAMES = {username for username, *_rest in USERS}


@schemathesis.hook
def filter_case(context, case) -> bool:
    """Every generated request, except a sign-in as one of the demo accounts."""
    return not (case.operation.path == "/api/v1/auth/token/" and isinstance(case.body, dict)
                and str(case.body.get("username")).strip() in DEMO_USERNAMES)


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep every failure except those on a request the web server refused before the application saw it."""
    return response is None or response.status_code not in SERVER_ANSWERS_ITSELF


if sys.version_info < (3, 12):
    # Python 3.11's `ast.parse` is not safe in two threads at once ("AST constructor recursion depth mismatch",
    # CPython gh-106905), and Hypothesis parses the source of each filter's lambda to describe it; the two
    # workers would now and then fail the run with that error. Describing lambdas one at a time avoids it (each
    # is described once, then cached).
    _describe, _one_at_a_time = lambda_sources.lambda_description, threading.Lock()

    def _lambda_description(f):
        with _one_at_a_time:
            return _describe(f)

    lambda_sources.lambda_description = filtering.lambda_description = _lambda_description
