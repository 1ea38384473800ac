"""The hot endpoints under load, each beside a bare Django view served by the same gunicorn in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_bench REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/load.py [--rows 1000000] [--seconds 10] [--reload]

PostgreSQL and Redis only, loopback only, bounded in time (about 2 x seconds per endpoint, plus the load).
The database is created if missing and migrated; the demo district is loaded into it; then ROWS
applications are bulk-loaded with one `INSERT … SELECT generate_series` (tracking numbers BENCH…,
kept between runs, --reload rebuilds them; nothing else is deleted). Give it a database of its own.

gunicorn (2 sync workers, DEBUG off, persistent connections, the Redis cache) serves the project
with two more views (bench/urls.py): a bare JSON GET and a bare JSON POST, the floor. `wrk` (8
connections) measures the floor, then the endpoint, alternately, so each ratio is taken in the same
minute on the same machine. Prints req/s, p50, p99, non-2xx/socket errors, the ratio to the floor,
and each target of the speed issue as PASS or FAIL.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "govservice.settings"

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql as pgsql  # noqa: E402

ROWS = 1_000_000
CONNECTIONS = 8
THREADS = 2
WORKERS = 2
GUIDE_CODE = "000104002000"  # a demo item that can be applied for online
LIST_DEPARTMENT = "SAMR"  # the demo department with the most items
BENCH_PREFIX = "BENCH"

WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, '
    .. '"non2xx": %%d, "socket_errors": %%d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def refuse(message: str) -> None:
    print(f"load: {message}", file=sys.stderr)
    sys.exit(2)


def check_environment() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        refuse("set DATABASE_URL to a PostgreSQL database of its own, e.g.\n"
               "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_bench "
               "REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/load.py")
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        refuse("set REDIS_URL (e.g. redis://127.0.0.1:6379/7): the cache under load is Redis, as in production.")
    if shutil.which("wrk") is None:
        refuse("wrk is not installed (Debian: apt-get install wrk).")
    params = {"dbname": "postgres", "host": config.get("HOST") or None, "port": config.get("PORT") or None,
              "user": config.get("USER") or None, "password": config.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone() is None:
            conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")
    return config


check_environment()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.applications.models import Application, Flag, Status  # noqa: E402
from apps.catalog.models import ItemVersion  # noqa: E402
from apps.demo.services import seed_demo  # noqa: E402

APP = Application._meta.db_table

# Row g: 30% waiting at intake, 70% accepted (1 in 50 of those red, 1 in 50 yellow); submitted one minute
# apart going back from now, so 1,000,000 rows cover about two years.
INSERT_APPLICATIONS = f"""
INSERT INTO {APP} (tracking_number, verification_code, applicant_name, applicant_id_number, applicant_phone,
    channel, delivery_method, delivery_address, form_data, status, flag, suspended, submitted_at, received_on,
    intake_due_on, accepted_at, accepted_on, deemed_accepted, extension_days, paused_workdays, due_date,
    legal_due_date, warning_at, due_at, decision_reason, delivery_reference, event_count, last_event_hash,
    department_id, item_version_id, service_item_id)
SELECT %(prefix)s || lpad(g::text, 9, '0'), lpad((g %% 1000000)::text, 8, '0'), '申请人' || g,
    '110101199003070000', '138' || lpad((g %% 100000000)::text, 8, '0'),
    'online', 'electronic', '', '{{}}'::jsonb,
    CASE WHEN g %% 10 < 3 THEN %(submitted)s ELSE %(accepted)s END,
    CASE WHEN g %% 10 < 3 THEN %(normal)s WHEN g %% 50 = 3 THEN %(overdue)s WHEN g %% 50 = 4 THEN %(warning)s
         ELSE %(normal)s END,
    false, t.at, t.at::date, t.at::date + 7,
    CASE WHEN g %% 10 < 3 THEN NULL ELSE t.at + interval '1 hour' END,
    CASE WHEN g %% 10 < 3 THEN NULL ELSE t.at::date END, false, 0, 0,
    CASE WHEN g %% 10 < 3 THEN NULL ELSE t.at::date + 14 END,
    CASE WHEN g %% 10 < 3 THEN NULL ELSE t.at::date + 28 END,
    CASE WHEN g %% 10 < 3 THEN NULL ELSE t.at + interval '12 days' END,
    CASE WHEN g %% 10 < 3 THEN NULL ELSE t.at + interval '15 days' END,
    '', '', 0, '',
    (%(departments)s::bigint[])[1 + g %% %(items)s], (%(versions)s::bigint[])[1 + g %% %(items)s],
    (%(service_items)s::bigint[])[1 + g %% %(items)s]
FROM generate_series(1, %(rows)s) g
CROSS JOIN LATERAL (SELECT %(now)s::timestamptz - g * interval '1 minute' AS at) t
"""


def sql(statement: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def bench_rows() -> int:
    return sql(f"SELECT count(*) FROM {APP} WHERE tracking_number LIKE %s", [BENCH_PREFIX + "%"])[0][0]


def load(rows: int) -> float:
    began = time.perf_counter()
    versions = list(ItemVersion.objects.filter(item__active=True, item__current_version=F("pk"))
                    .order_by("pk").values_list("pk", "item_id", "department_id"))
    params = {"rows": rows, "now": timezone.now(), "prefix": BENCH_PREFIX, "items": len(versions),
              "versions": [v for v, _i, _d in versions], "service_items": [i for _v, i, _d in versions],
              "departments": [d for _v, _i, d in versions], "submitted": Status.SUBMITTED,
              "accepted": Status.ACCEPTED, "normal": Flag.NORMAL, "warning": Flag.WARNING,
              "overdue": Flag.OVERDUE}
    sql(f"DELETE FROM {APP} WHERE tracking_number LIKE %s", [BENCH_PREFIX + "%"])
    sql(INSERT_APPLICATIONS, params)
    sql(f"VACUUM ANALYZE {APP}")
    return time.perf_counter() - began


# --- the server and the client ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, worker_class: str, renderer: str, pool: bool) -> subprocess.Popen:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", DJANGO_DEBUG="false",
               BENCH_RENDERER=renderer, BENCH_DB_POOL="1" if pool else "0",
               DJANGO_SECRET_KEY=secrets.token_urlsafe(40), AUDIT_KEY=secrets.token_urlsafe(40), LOG_LEVEL="WARNING",
               DJANGO_SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback, as wrk speaks it
               # Per second, not per minute: one address sends everything here, and a throttle keeps the times of
               # the requests in its window; a one-second window keeps that list as short as real clients do.
               TRACK_THROTTLE_RATE="100000000/s", AUTH_THROTTLE_RATE="100000000/s")
    command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
               "--worker-class", worker_class, "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT),
               "--log-level", "warning", "govservice.wsgi:application"]
    server = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603  our own argv
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    refuse("gunicorn did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@dataclass
class Run:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, seconds: int, *, method="GET", body=None, headers=()) -> Run:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"method": json.dumps(method),
                                   "body": "nil" if body is None else json.dumps(json.dumps(body))})
    try:
        command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s",
                   "-s", script.name]
        for header in headers:
            command += ["-H", header]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True,  # noqa: S603
                                timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)
    result = json.loads(output.strip().splitlines()[-1])
    if not result["requests"]:  # every request outlived the run: report it as such, not as a fast zero
        return Run(rate=0.0, p50_ms=float("inf"), p99_ms=float("inf"), errors=result["socket_errors"])
    return Run(rate=result["requests"] / (result["duration_us"] / 1e6), p50_ms=result["p50_us"] / 1000,
               p99_ms=result["p99_us"] / 1000, errors=result["non2xx"] + result["socket_errors"])


@dataclass
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    body: dict | None = None
    token: str | None = None


def endpoints(citizen_token: str, manager_token: str) -> list[Endpoint]:
    own = (Application.objects.filter(applicant__username="citizen", status=Status.ACCEPTED).order_by("pk")
           .first())
    if own is None:
        refuse("the demo citizen has no accepted application (the demo data was changed?)")
    return [
        Endpoint("public tracking", f"/api/v1/track/{own.tracking_number}/?code={own.verification_code}"),
        Endpoint("one service guide", f"/api/v1/service-items/{GUIDE_CODE}/"),
        Endpoint("own application", f"/api/v1/applications/{own.pk}/", token=citizen_token),
        Endpoint("submission", "/api/v1/applications/", method="POST", token=citizen_token,
                 body={"service_item": GUIDE_CODE, "channel": "online", "delivery_method": "electronic"}),
        Endpoint("manager's first page", "/api/v1/applications/", token=manager_token),
        Endpoint("staff list, filtered+sorted",
                 f"/api/v1/applications/?status={Status.ACCEPTED}&department={LIST_DEPARTMENT}",
                 token=manager_token),
    ]


def measure(base: str, endpoint: Endpoint, seconds: int) -> tuple[Run, Run]:
    """The floor (GET or POST, like the endpoint), then the endpoint; a short warm-up of each first."""
    headers = ["Content-Type: application/json"] if endpoint.body is not None else []
    if endpoint.token:
        headers.append(f"Authorization: Token {endpoint.token}")
    floor_path = "/bench/floor-post/" if endpoint.method == "POST" else "/bench/floor/"
    runs = []
    for path in (floor_path, endpoint.path):
        wrk(base + path, 1, method=endpoint.method, body=endpoint.body, headers=headers)
        runs.append(wrk(base + path, seconds, method=endpoint.method, body=endpoint.body, headers=headers))
    return runs[0], runs[1]


# --- targets (issue "Speed") ------------------------------------------------------------------------------


def verdicts(name: str, floor: Run, run: Run) -> list[str]:
    ratio = run.rate / floor.rate if floor.rate else 0.0
    checks = {
        "public tracking": [(ratio >= 0.5, "rate >= 1/2 floor"), (run.p99_ms < 50, "p99 < 50 ms")],
        "one service guide": [(ratio >= 0.5, "rate >= 1/2 floor"), (run.p99_ms < 50, "p99 < 50 ms")],
        "own application": [(ratio >= 0.25, "rate >= 1/4 floor")],
        "manager's first page": [(ratio >= 0.25, "rate >= 1/4 floor")],
        "submission": [(run.rate >= 300, ">= 300/s")],
        "staff list, filtered+sorted": [(run.p50_ms < 50, "p50 < 50 ms")],
    }[name]
    checks.append((run.errors == 0, "no errors"))
    return [f"{'PASS' if ok else 'FAIL'} {label}" for ok, label in checks]


COMPARED = {"renderer": ({"renderer": "fast", "pool": False}, {"renderer": "drf", "pool": False}),
            "pool": ({"renderer": "fast", "pool": False}, {"renderer": "fast", "pool": True})}


def compare(what: str, chosen: list[Endpoint], args) -> None:
    """Two servers, the project's choice (A) and the alternative (B), measured in turns on each endpoint:
    ROUNDS short runs each, alternating which goes first, so both see the same moments of a busy machine."""
    rounds, seconds = 5, max(2, args.seconds // 3)
    servers = []
    try:
        for config in COMPARED[what]:
            port = free_port()
            servers.append((f"http://127.0.0.1:{port}",
                            start_gunicorn(port, args.workers, args.worker_class, config["renderer"],
                                           config["pool"])))
        a_name, b_name = ("orjson", "DRF JSON") if what == "renderer" else ("persistent", "psycopg pool")
        print(f"A = {a_name}, B = {b_name}; median of {rounds} alternating runs of {seconds} s each\n")
        print(f"{'endpoint':30}{'A req/s':>9}{'B req/s':>9}{'A p50':>8}{'B p50':>8}{'B/A':>7}")
        for endpoint in chosen:
            headers = ["Content-Type: application/json"] if endpoint.body is not None else []
            if endpoint.token:
                headers.append(f"Authorization: Token {endpoint.token}")
            runs = {0: [], 1: []}
            for turn in range(rounds):
                for index in ((0, 1) if turn % 2 == 0 else (1, 0)):
                    runs[index].append(wrk(servers[index][0] + endpoint.path, seconds, method=endpoint.method,
                                           body=endpoint.body, headers=headers))
            a, b = (statistics.median(r.rate for r in runs[i]) for i in (0, 1))
            pa, pb = (statistics.median(r.p50_ms for r in runs[i]) for i in (0, 1))
            print(f"{endpoint.name:30}{a:9.0f}{b:9.0f}{pa:8.1f}{pb:8.1f}{b / a if a else 0:7.2f}", flush=True)
    finally:
        for _base, server in servers:
            stop(server)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help=f"applications bulk-loaded (default {ROWS:,})")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration of each measurement (default 10)")
    parser.add_argument("--reload", action="store_true", help="rebuild the bulk-loaded applications")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"gunicorn workers (default {WORKERS})")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument("--only", action="append", default=[], help="measure only endpoints whose name has this")
    parser.add_argument("--renderer", choices=["fast", "drf"], default="fast",
                        help="JSON renderer: the project's orjson one (default) or DRF's own")
    parser.add_argument("--pool", action="store_true",
                        help="Django's psycopg connection pool instead of persistent connections")
    parser.add_argument("--compare", choices=sorted(COMPARED),
                        help="instead of the table: the project's choice against the alternative, in turns")
    args = parser.parse_args()

    settings.DEBUG = False
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed_demo()
    if args.reload or bench_rows() != args.rows:
        print(f"loading {args.rows:,} applications (INSERT … SELECT generate_series) …", flush=True)
        print(f"  loaded in {load(args.rows):.1f} s")
    total = Application.objects.count()
    citizen_token = Token.objects.get_or_create(user=User.objects.get(username="citizen"))[0].key
    manager_token = Token.objects.get_or_create(user=User.objects.get(username="manager"))[0].key
    chosen = [e for e in endpoints(citizen_token, manager_token)
              if not args.only or any(word in e.name for word in args.only)]
    server_version = sql("SHOW server_version")[0][0]
    connection.close()
    if args.compare:
        compare(args.compare, chosen, args)
        return

    load_before = os.getloadavg()[0]  # other work on the machine slows the endpoints more than the floor
    port = free_port()
    server = start_gunicorn(port, args.workers, args.worker_class, args.renderer, args.pool)
    base = f"http://127.0.0.1:{port}"
    connections_kind = "psycopg pool" if args.pool else \
        f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
    print(f"PostgreSQL {server_version}, {total:,} applications; gunicorn {args.workers} {args.worker_class} "
          f"workers, DEBUG off, {connections_kind}, renderer {args.renderer}, "
          f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; wrk {CONNECTIONS} connections, "
          f"{args.seconds} s each\n")
    header = f"{'endpoint':30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'floor/s':>9}{'ratio':>7}  targets"
    print(header)
    print("-" * len(header))
    results = []
    try:
        for endpoint in chosen:
            floor, run = measure(base, endpoint, args.seconds)
            verdict = verdicts(endpoint.name, floor, run)
            results.append(verdict)
            ratio = run.rate / floor.rate if floor.rate else 0.0
            print(f"{endpoint.name:30}{run.rate:9.0f}{run.p50_ms:9.1f}{run.p99_ms:9.1f}{run.errors:8d}"
                  f"{floor.rate:9.0f}{ratio:7.3f}  {', '.join(verdict)}", flush=True)
    finally:
        stop(server)
    duplicates = sql(f"SELECT count(*) - count(DISTINCT tracking_number) FROM {APP}")[0][0]
    print("-" * len(header))
    print(f"tracking numbers: {Application.objects.count():,} applications, {duplicates} duplicates")
    print(f"total run: {time.perf_counter() - started:.0f} s; load average (1 min) {load_before:.1f} before the "
          f"measurements, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")
    failed = sum(v.startswith("FAIL") for verdict in results for v in verdict)
    print("RESULT:", "every target met" if not failed and not duplicates else f"{failed} target(s) not met")


if __name__ == "__main__":
    main()
