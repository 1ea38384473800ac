"""A soak of the whole stack: applications through their whole lifecycle by concurrent clients while the
supervision sweep runs every few seconds; afterwards the audit trail, every application's state, the alerts and
the notifications are checked.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_soak REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python bench/soak.py [--applications 10000] [--clients 8] [--sweep-seconds 5] [--max-seconds 1800]

PostgreSQL and Redis on this machine only; the server listens on the loopback; bounded in time. The database is
the soak's own: created on the first run and marked as the soak's, dropped and created again by each later run (a
database without the mark is refused), from a template holding the migrated schema (NAME_template, kept up to date
with the migrations). The Redis database holds the broker and the cache: give it one of its own.

The demo district is loaded (with a generated past of --history applications), accounts are added for the clients,
the supervision jobs are rescheduled to every --sweep-seconds and the audit checkpoint to every
--checkpoint-seconds (soak_world.py). Then `make stack` starts (gunicorn, a Celery worker, beat on the database
scheduler, DEBUG off) with an environment file of its own, and the clients run (soak_clients.py) until every case
is done, --max-seconds have passed since the start, or the soak gets SIGTERM. A share of the cases begins in the
past (made by the services with a past clock when a client reaches it), so that the jobs have work under load:
the clients wait for them to flag it, deem it accepted, remind or flag a late delivery, then act on it. After the
clients: the last sweeps and the notifications are waited for (bounded), the stack is stopped, a checkpoint is
sealed, `verify_audit` runs and the database is checked (soak_checks.py). Prints the figures and PASS or FAIL for
each check; exits 1 if any check fails.
"""

import argparse
import io
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "govservice.settings"

import dj_database_url  # noqa: E402
import django  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql as pgsql  # noqa: E402

from tests.core.stack import Stack  # noqa: E402  (make stack with an environment file of its own)

MARK = "govservice soak: dropped and created again by each run of bench/soak.py"
LOOPBACK = {"", "localhost", "127.0.0.1", "::1"}
KEEP_LINES = 3000  # of the stack's output (it logs every request and task)


def refuse(message: str) -> None:
    print(f"soak: {message}", file=sys.stderr)
    sys.exit(2)


def check_environment() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        refuse("set DATABASE_URL to a PostgreSQL database of the soak's own, e.g.\n"
               "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_soak "
               "REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/soak.py")
    redis = dj_database_url.urlparse.urlsplit(os.environ.get("REDIS_URL", ""))
    if redis.scheme != "redis":
        refuse("set REDIS_URL to a Redis database of the soak's own (e.g. redis://127.0.0.1:6379/8).")
    if (config.get("HOST") or "") not in LOOPBACK or (redis.hostname or "") not in LOOPBACK:
        refuse("the soak runs on this machine only: PostgreSQL and Redis on the loopback.")
    return config


class Databases:
    """The soak's database, and a template of it holding only the migrated schema: a run starts from a copy of
    the template (a file copy, instead of running every migration again), and refreshes the template when the
    migrations changed. Both carry a mark; a database without it is never dropped."""

    def __init__(self, config: dict):
        params = {"host": config.get("HOST") or None, "port": config.get("PORT") or None,
                  "user": config.get("USER") or None, "password": config.get("PASSWORD") or None}
        self.params = {k: v for k, v in params.items() if v}
        self.name, self.template = config["NAME"], f"{config['NAME']}_template"

    def _mark(self, conn, name: str) -> str | None:
        """The database's mark; None if it does not exist; refuses one that is not the soak's."""
        found = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                             [name]).fetchone()
        if found is not None and found[0] != MARK:
            refuse(f"database {name} exists and is not the soak's own: give the soak a database of its own (it "
                   "drops and creates it again on every run).")
        return None if found is None else found[0]

    def _create(self, conn, name: str, template: str | None = None) -> None:
        if self._mark(conn, name) is not None:
            conn.execute(pgsql.SQL("DROP DATABASE {} WITH (FORCE)").format(pgsql.Identifier(name)))
        create = pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name))
        if template:
            create += pgsql.SQL(" TEMPLATE {}").format(pgsql.Identifier(template))
        conn.execute(create)
        conn.execute(pgsql.SQL("COMMENT ON DATABASE {} IS {}").format(pgsql.Identifier(name), pgsql.Literal(MARK)))

    def fresh(self) -> None:
        """The soak's database, dropped and created again: from the template when there is one."""
        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as conn:
            self._create(conn, self.name, self.template if self._mark(conn, self.template) else None)

    def migrate(self) -> None:
        """Apply the migrations (none, usually, on a copy of the template); if any were, the migrated database
        becomes the next template."""
        from django.core.management import call_command
        from django.db import DEFAULT_DB_ALIAS, connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return
        call_command("migrate", verbosity=0, database=DEFAULT_DB_ALIAS)
        connection.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as conn:
            self._create(conn, self.template, self.name)


def no_other_worker() -> None:
    """A Celery worker left over on this Redis database (from a run that was killed) would take the stack's tasks
    with another audit key: refuse to start beside one."""
    from govservice.celery import app

    answers = app.control.ping(timeout=2)
    if answers:
        refuse(f"a Celery worker already consumes {os.environ['REDIS_URL']} ({', '.join(map(str, answers))}): stop "
               "it, or give the soak a Redis database of its own.")


def environment(args, directory: Path) -> dict[str, str]:
    """The stack's environment file, and this process's settings too (it prepares and checks the database)."""
    redis = os.environ["REDIS_URL"]
    return {
        "DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": redis, "CELERY_BROKER_URL": redis,
        "CELERY_RESULT_BACKEND": "",  # nobody reads the results: do not pile them up in Redis
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "AUDIT_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false", "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0", "LOG_FORMAT": "json", "LOG_LEVEL": "WARNING",
        # Every client signs in from 127.0.0.1: the per-address sign-in limit would serialise them.
        "AUTH_THROTTLE_RATE": "100000000/s",
        "WEB_CONCURRENCY": str(args.web_workers), "WORKER_CONCURRENCY": str(args.worker_concurrency),
        "GOVSERVICE_MEDIA_ROOT": str(directory / "media"),
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000, help="cases to run (default 10,000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--sweep-seconds", type=int, default=5, help="the supervision jobs' interval (default 5)")
    parser.add_argument("--checkpoint-seconds", type=int, default=60, help="the audit checkpoint's (default 60)")
    parser.add_argument("--max-seconds", type=int, default=1800,
                        help="stop the clients this long after the start and report what was done (default 1800)")
    parser.add_argument("--drain-seconds", type=int, default=300,
                        help="at most this long to wait for the notifications still queued at the end (default 300)")
    parser.add_argument("--history", type=int, default=3000,
                        help="past applications of the demo district (default 3000, as `make run`)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=20261207, help="the plan's random seed")
    return parser.parse_args(argv)


# ---- the run ---------------------------------------------------------------------------------------------


def build_world(args, databases: Databases) -> dict:
    from django.db import connection

    from apps.catalog.models import ServiceItem
    from apps.demo.services import seed_demo
    from bench.soak_clients import plan
    from bench.soak_world import make_desks, speed_up_schedule, tokens

    databases.migrate()
    seed_demo(history=args.history)
    desks = make_desks(args.clients)
    speed_up_schedule(sweep_seconds=args.sweep_seconds, checkpoint_seconds=args.checkpoint_seconds)
    items = ServiceItem.objects.filter(active=True, current_version__online=True).order_by("code")
    world = {
        "desks": desks, "kinds": plan(args.applications, args.seed), "tokens": tokens(),
        "items": list(items.filter(current_version__instant=False).values_list("code", flat=True)),
        "instant_items": list(items.filter(current_version__instant=True).values_list("code", flat=True)),
    }
    connection.close()  # the stack's migrate must not wait on this process
    return world


def task_counts(stack) -> Counter:
    """Celery tasks run so far, by (task, outcome), from the web's /metrics (all processes add up there)."""
    _, _, body = stack.get("/metrics")
    counts = Counter()
    for labels, value in re.findall(r"^govservice_celery_tasks_total\{(.*)\} (\S+)$", body.decode(), re.MULTILINE):
        named = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        counts[(named["task"], named["outcome"])] = float(value)
    return counts


SWEEP = "apps.supervision.tasks.sweep_deadlines"


def wait_for_sweeps(stack, *, runs: int, timeout: float) -> bool:
    """`runs` more sweeps, so that one started after the clients stopped has finished."""
    target = task_counts(stack)[(SWEEP, "succeeded")] + runs
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if task_counts(stack)[(SWEEP, "succeeded")] >= target:
            return True
        time.sleep(1)
    return False


def drain_notifications(timeout: float) -> int:
    """Wait (bounded) until the worker has sent every queued notification; the number still pending."""
    from apps.notifications.models import Notification

    deadline = time.monotonic() + timeout
    while (pending := Notification.objects.filter(status=Notification.Status.PENDING).count()) and \
            time.monotonic() < deadline:
        time.sleep(2)
    return pending


def drive(stack, args, world, started: float) -> dict:
    """Sign in, run the clients and the managers' desk, then wait for the jobs to catch up."""
    from django.utils import timezone

    from bench.soak_clients import Run

    run = Run(base=stack.base, desks=world["desks"], kinds=world["kinds"], items=world["items"],
              instant_items=world["instant_items"], seed=args.seed, wait_seconds=4 * args.sweep_seconds + 30)
    signing_in = time.monotonic()
    run.sign_in(world["tokens"])
    signed_in = time.monotonic() - signing_in
    sweeps_before = task_counts(stack)[(SWEEP, "succeeded")]
    timer = threading.Timer(max(0.0, args.max_seconds - (time.monotonic() - started)), run.stop.set)
    clients = [threading.Thread(target=run.client, name=f"client-{n}") for n in range(args.clients)]
    desk = threading.Thread(target=run.supervisor_desk, args=(world["desks"][0].manager,), name="managers-desk")
    began = time.monotonic()
    timer.start()
    stop_on_term = signal.signal(signal.SIGTERM, lambda *_: run.stop.set())  # `kill` ends early, with the report
    for thread in [*clients, desk]:
        thread.start()
    for thread in clients:
        thread.join()
    signal.signal(signal.SIGTERM, stop_on_term)
    clients_seconds = time.monotonic() - began
    timed_out = run.stop.is_set()
    run.stop.set()
    timer.cancel()
    desk.join()
    caught_up_at, catching_up = timezone.now(), time.monotonic()
    swept = wait_for_sweeps(stack, runs=2, timeout=4 * args.sweep_seconds + 60)
    pending = drain_notifications(args.drain_seconds)
    tasks = task_counts(stack)
    return {"run": run, "clients_seconds": clients_seconds, "timed_out": timed_out, "caught_up_at": caught_up_at,
            "swept_after": swept, "pending": pending, "tasks": tasks,
            "sweeps": tasks[(SWEEP, "succeeded")] - sweeps_before,
            "phases": {"signing in": signed_in, "clients": clients_seconds,
                       "the last sweeps and sends": time.monotonic() - catching_up}}


def stopped_cleanly(stack) -> bool:
    out = "".join(stack.lines)
    return "killed" not in out and all(f"{name} stopped (status 0)" in out or f"{name} stopped (status -15)" in out
                                       for name in ("web", "worker", "beat"))


def verify_audit() -> tuple[bool, str]:
    """Seal a checkpoint as the hourly job would, then `manage.py verify_audit`."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.utils import timezone

    from apps.applications.audit import seal_checkpoint

    seal_checkpoint(now=timezone.now())
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return False, f"{error}; {out.getvalue()[-500:]}"
    return True, " / ".join(line for line in out.getvalue().splitlines() if line.startswith("OK"))


# ---- the report ------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


def request_checks(result: dict, args) -> list:
    from bench.soak_checks import Check

    run, recorder, tasks = result["run"], result["run"].recorder, result["tasks"]
    failed_tasks = {task: n for (task, outcome), n in tasks.items() if outcome == "failed" and n}
    expected_sweeps = result["clients_seconds"] / args.sweep_seconds
    return [
        Check("no 5xx, every request answered", "a server error or a request without an answer is a defect",
              [s for s in recorder.statuses.elements() if s >= 500 or s == 0]),
        Check("every answer the one the plan expects", "the API kept its contract for each step of each lifecycle",
              recorder.examples_of("unexpected answer")),
        Check("a double click gives the same answer", "the same Idempotency-Key replays the first answer and "
              "changes nothing again", recorder.examples_of("double click")),
        Check("a race has exactly one winner", "two people acting at once: one succeeds, the other gets 409",
              recorder.examples_of("race")),
        Check("allowed_actions agree with the state table", "the buttons offered are the actions the state "
              "allows, and the action taken next was offered", recorder.examples_of("allowed_actions")),
        Check("the jobs acted on the late cases in time", "flags, deemed acceptance, reminders and late deliveries "
              f"within {run.wait_seconds} s", recorder.examples_of("supervision")),
        Check("the sweep kept its schedule", f"at least half of the {expected_sweeps:.0f} runs the schedule asks for "
              "while the clients ran, and two after them",
              [] if result["sweeps"] >= expected_sweeps / 2 and result["swept_after"] else [result["sweeps"]]),
        Check("no Celery task failed", "every job and every send succeeded", list(failed_tasks.items())),
        Check("every notification sent", f"none still pending {args.drain_seconds} s after the clients stopped",
              [result["pending"]] if result["pending"] else []),
    ]


def report(args, world, result, checks, wall: float, phases: dict[str, float]) -> None:
    from apps.notifications.models import Notification
    from apps.supervision.models import Alert

    run, recorder = result["run"], result["run"].recorder
    requests = sum(recorder.statuses.values())
    print(f"\nsoak: {args.applications:,} cases, {args.clients} clients, sweep every {args.sweep_seconds} s; "
          f"gunicorn {args.web_workers} workers, Celery worker concurrency {args.worker_concurrency}; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"setup: {phases['setup']:.0f} s (fresh database, demo district with {args.history:,} past applications, "
          f"{len(world['desks'])} desks of accounts)")
    finished, cut = sum(run.finished.values()), sum(run.cut_short.values())
    print(f"cases: {finished:,} finished their plan, {cut:,} cut short"
          f"{' (time limit reached)' if result['timed_out'] else ''}, "
          f"{args.applications - finished - cut:,} not started")
    print("  finished by kind: " + ", ".join(f"{k} {n:,}" for k, n in run.finished.most_common()))
    if run.cut_short:
        print("  cut short by kind: " + ", ".join(f"{k} {n:,}" for k, n in run.cut_short.most_common()))
    print(f"requests: {requests:,} in {result['clients_seconds']:.0f} s = "
          f"{requests / max(result['clients_seconds'], 1e-9):.1f} req/s; answers: "
          + ", ".join(f"{s}: {n:,}" for s, n in sorted(recorder.statuses.items())))
    print(f"\n{'action':24}{'count':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for action, seconds in sorted(recorder.seconds.items(), key=lambda item: -len(item[1])):
        print(f"{action:24}{len(seconds):9,}{percentile(seconds, 0.5) * 1000:9.0f}"
              f"{percentile(seconds, 0.99) * 1000:9.0f}")
    print("\n" + ", ".join(f"{event} {n:,}" for event, n in sorted(recorder.events.items())))
    print("cases begun in the past: " + ", ".join(f"{k} {len(ids):,}" for k, ids in sorted(run.late.items()))
          + "; the jobs acted on them after (p50 / max): "
          + ", ".join(f"{what} {percentile(s, 0.5):.0f} / {max(s):.0f} s"
                      for what, s in sorted(recorder.waits.items())))
    alerts = Counter(Alert.objects.values_list("kind", "level"))
    notifications = Counter(Notification.objects.values_list("status", flat=True))
    print(f"supervision: the sweep ran {result['sweeps']:.0f} times while the clients ran and after; alerts "
          f"raised {sum(alerts.values()):,} (" + ", ".join(f"{k} {lv} {n:,}" for (k, lv), n in alerts.items())
          + "); notifications " + ", ".join(f"{s} {n:,}" for s, n in notifications.items()))
    print(f"wall time: {wall:.0f} s (" + ", ".join(f"{name} {s:.0f} s" for name, s in phases.items()) + ")\n")
    for check in checks:
        print(f"{'PASS' if check.passed else 'FAIL'}  {check.name}"
              + ("" if check.passed else f": {len(check.broken):,} ({check.reason}); e.g. {check.broken[:5]}"))
    for kind, examples in recorder.examples.items():
        print(f"\n{kind}: {recorder.problems[kind]:,}, the first ones:\n  " + "\n  ".join(examples))
    failed = sum(not c.passed for c in checks)
    print("\nRESULT:", "PASS" if not failed else f"FAIL ({failed} of {len(checks)} checks)")


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    databases = Databases(check_environment())
    databases.fresh()
    directory = Path(tempfile.mkdtemp(prefix="soak-"))
    env = environment(args, directory)
    os.environ.update(env)
    django.setup()
    no_other_worker()
    from bench.soak_checks import Check, database_checks

    world = build_world(args, databases)
    phases = {"setup": time.monotonic() - started}
    stack = Stack(directory, demo=False, keep_lines=KEEP_LINES, **env)
    try:
        stack.wait_until(lambda: json.loads(stack.get("/readyz")[2])["status"] == "ok", 300, "/readyz ok")
        phases["stack start"] = time.monotonic() - started - phases["setup"]
        result = drive(stack, args, world, started)
        phases.update(result["phases"])
    finally:
        stopping = time.monotonic()
        stack.stop()
        shutil.rmtree(directory, ignore_errors=True)  # the environment file (its keys) and the uploads
    phases["stopping"] = time.monotonic() - stopping
    clean = stopped_cleanly(stack)
    checking = time.monotonic()
    audit_ok, audit_note = verify_audit()
    checks = [
        *request_checks(result, args),
        Check("the stack stopped cleanly", "web, worker and beat end on SIGTERM with status 0",
              [] if clean else ["".join(stack.lines)[-2000:]]),
        Check("every audit chain verifies", f"manage.py verify_audit: {audit_note}", [] if audit_ok else [audit_note]),
        *database_checks(caught_up_at=result["caught_up_at"], last_status=result["run"].last_status,
                         moved_by_jobs=result["run"].late["deemed"]),
    ]
    phases["checks"] = time.monotonic() - checking
    report(args, world, result, checks, time.monotonic() - started, phases)
    return 0 if all(check.passed for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
