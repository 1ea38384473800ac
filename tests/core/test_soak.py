"""The soak (bench/soak.py) kept from rotting: a short run against `make stack` goes down every path of the
lifecycle and passes every check.

Runs when STACK_TEST_REDIS_URL names a Redis database of its own and DATABASE_URL is PostgreSQL; the soak's
database is DATABASE_URL's name + "_soak" (and "_soak_template"), dropped and created again by each run.
"""

import os
import subprocess
import sys

from tests.core.stack import DATABASE_URL, REDIS, ROOT, needs_stack

pytestmark = needs_stack


def test_a_short_soak_finishes_every_case_and_passes_every_check():
    env = {**os.environ, "DATABASE_URL": f"{DATABASE_URL}_soak", "REDIS_URL": REDIS}
    result = subprocess.run(  # noqa: S603  our own script
        [sys.executable, "bench/soak.py", "--applications", "40", "--clients", "4", "--history", "0",
         "--sweep-seconds", "2", "--drain-seconds", "60"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    out = result.stdout
    assert result.returncode == 0, out[-8000:] + result.stderr[-4000:]
    assert "RESULT: PASS" in out
    assert "cases: 40 finished their plan, 0 cut short" in out, out
    # Every kind of case ran, and the double clicks, races and late cases were exercised.
    for kind in ("approve", "upload", "window", "instant", "correction", "reject", "deny", "suspend", "extend",
                 "withdraw", "overdue", "deemed", "reminded", "late_delivery"):
        assert f" {kind} " in out.split("finished by kind:")[1].splitlines()[0] + " ", kind
    for seen in ("double click, both at once", "double click, one after the other", "race: accept",
                 "race: approve_step", "race: deliver", "together: visit and approval", "seen: step flagged overdue",
                 "seen: deemed accepted", "seen: correction reminder", "seen: delivery flagged late"):
        assert seen in out, seen
