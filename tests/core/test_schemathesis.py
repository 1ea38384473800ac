"""Schemathesis over the whole API schema against a running `make stack`, as a citizen and as a clerk.

Every response is checked: no server error, a status code the schema documents for the operation, and the
documented content type, headers and body; and an operation that needs a token refuses a request without one.
The schema's error answers (400, 401, 403, 404, 409, 413, 415, 429, 503) come from `apps.core.api.schema`.

Bounded: a time budget per run (`--max-time`: the coverage phase first, then fuzzing and stateful sequences of
`MAX_EXAMPLES` cases per operation, again while the budget lasts; a loaded machine gets through less of it), a
fixed seed, and a hard limit on the process. Half the time an id or a code in a path or a body is one the user
can really see (read from the API before the run), so that the actions reach their rules and states instead
of a 404.

No operation is excluded: none ends the token during the run (the API has no sign-out or token revocation).
The fuzzer signs in with made-up credentials as an attacker would, and earns the sign-in lock and the rate
limit an attacker gets (429, documented); throttles and locks keep their production settings. It sends them
from an address of its own (`X-Forwarded-For` through a trusted proxy, as behind the production proxy), so the
lock it earns is not one on 127.0.0.1, from where the other stack tests sign in, and it never signs in as one
of the demo accounts they use (tests/core/schemathesis_hooks.py).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.stack import ROOT, Stack, needs_stack

pytestmark = needs_stack

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance",
          "ignored_auth"]  # an operation that needs a token refuses a request without one
MAX_EXAMPLES = 10
SEED = 20261207
TIME_BUDGET_SECONDS = 70  # per user
TIME_LIMIT_SECONDS = TIME_BUDGET_SECONDS + 60  # loading the schema, and the last requests of the budget
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
NOTICE_KINDS = ["acceptance", "refusal", "correction", "approval", "denial"]

# Which operations draw which ids from the objects the user can see: (path regex, {parameter: dictionary}).
BINDINGS = [
    (r"^/api/v1/applications/$", {"body.service_item": "items"}),
    (r"^/api/v1/applications/\{id\}/", {
        "path.id": "applications", "path.step_id": "steps", "path.material_pk": "uploads", "path.kind": "notices",
        "body.material": "materials", "body.items[*].material": "materials"}),
    (r"^/api/v1/(service-items|drafts)/\{code\}/$", {"path.code": "items"}),
    (r"^/api/v1/departments/\{code\}/", {"path.code": "departments"}),
    (r"^/api/v1/notifications/\{id\}/", {"path.id": "notifications"}),
    (r"^/api/v1/rectifications/\{id\}/", {"path.id": "rectifications"}),
    (r"^/api/v1/alerts/\{id\}/", {"path.id": "alerts"}),
    (r"^/api/v1/track/", {"path.tracking_number": "tracking_numbers", "query.code": "codes"}),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("schemathesis"), demo=True, TRUSTED_PROXIES="127.0.0.1")
    running.wait_ready()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def tokens(stack):
    """Both users' tokens before any fuzzing."""
    return {username: stack.token(username) for username in ("citizen", "clerk")}


def read(stack: Stack, path: str, token: str):
    status, _, body = stack.get(path, Authorization=f"Token {token}")
    assert status == 200, (path, body[:500])
    return json.loads(body)


def visible_objects(stack: Stack, token: str) -> dict[str, list]:
    """Ids and codes this user can see, by dictionary name."""
    found = {name: set() for name in ("applications", "steps", "uploads", "materials", "items",
                                      "departments", "notifications", "rectifications", "alerts",
                                      "tracking_numbers", "codes")}
    found["notices"] = set(NOTICE_KINDS)
    for guide in read(stack, "/api/v1/service-items/?page_size=100", token)["results"]:
        found["items"].add(guide["code"])
        found["departments"].add(guide["department"]["code"])
    for code in sorted(found["items"])[:5]:
        found["materials"].update(m["id"] for m in read(stack, f"/api/v1/service-items/{code}/", token)["materials"])
    applications = read(stack, "/api/v1/applications/?page_size=100", token)["results"]
    found["applications"].update(a["id"] for a in applications)
    for application in applications[:10]:
        detail = read(stack, f"/api/v1/applications/{application['id']}/", token)
        found["steps"].update(step["id"] for step in detail["steps"])
        found["uploads"].update(upload["id"] for upload in detail["materials"])
        found["tracking_numbers"].add(detail["tracking_number"])
        found["codes"].add(detail["verification_code"])
    for name, path in (("notifications", "/api/v1/notifications/"), ("rectifications", "/api/v1/rectifications/"),
                       ("alerts", "/api/v1/alerts/")):
        status, _, body = stack.get(f"{path}?page_size=100", Authorization=f"Token {token}")
        if status == 200:  # alerts are for staff
            found[name].update(row["id"] for row in json.loads(body)["results"])
    return {name: sorted(values) for name, values in found.items() if values}


def config(objects: dict[str, list]) -> str:
    """schemathesis.toml: the dictionaries, and which parameters draw from them half the time."""
    lines = []
    for name, values in objects.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    for path_regex, parameters in BINDINGS:
        bound = [f"{json.dumps(key)} = {{ dictionary = {json.dumps(name)}, probability = 0.5 }}"
                 for key, name in parameters.items() if name in objects]
        if bound:
            lines += ["[[operations]]", f"include-path-regex = {json.dumps(path_regex)}",
                      f"parameters = {{ {', '.join(bound)} }}", ""]
    return "\n".join(lines)


def summary(output: str) -> str:
    """The failures and the summary of schemathesis' report, without the progress lines."""
    sections = re.split(r"\n(?==+ [A-Z ]+ =+\n)", output)
    kept = [section for section in sections if re.match(r"=+ (FAILURES|ERRORS|SUMMARY) =+", section)]
    return "\n".join(kept)[-20_000:] if kept else output[-20_000:]


@pytest.mark.parametrize("username", ["citizen", "clerk"])
def test_every_operation_answers_as_the_schema_says(stack, tokens, username, tmp_path):
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(config(visible_objects(stack, tokens[username])))
    fuzzer_address = f"192.0.2.{stack.port % 254 + 1}"  # TEST-NET-1, no real client's; another one each run
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config_file), "--no-color",
        "run", f"{stack.base}/api/schema/",
        "--header", f"Authorization: Token {tokens[username]}", "--header", f"X-Forwarded-For: {fuzzer_address}",
        "--checks", ",".join(CHECKS), "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
        "--max-time", str(TIME_BUDGET_SECONDS),
        "--workers", "2", "--request-timeout", "30", "--generation-database", "none",
        "--output-truncate", "true",
    ]
    try:
        result = subprocess.run(  # noqa: S603
            command, cwd=tmp_path, capture_output=True, text=True, timeout=TIME_LIMIT_SECONDS,
            env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), "PYTHONPATH": str(ROOT)})  # hooks import apps
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode(errors="replace")  # bytes, whatever `text` says
        pytest.fail(f"schemathesis ran over {TIME_LIMIT_SECONDS} s:\n{summary(output)}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(f"schemathesis as {username}:\n{summary(result.stdout)}\n{result.stderr[-3000:]}", pytrace=False)
