"""The set-based deadline sweep (flag_steps) on 1,000,000 open steps, against a per-row ORM loop.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_bench .venv/bin/python bench/sweep_bench.py [--reload]

PostgreSQL only; the database is created if missing and migrated on each run. Its
name must contain "bench": the load empties the application tables.

Data: 1,000,000 accepted applications with exactly one step each, that step active,
not paused, flag normal, so every constraint stays as the migrations made it
(`one_active_step_per_application` included) and FKs are checked. Both tables are
filled by one `INSERT … SELECT generate_series(…)` each, inside one transaction,
then VACUUM ANALYZE. Step n has the deadline bucket (n * 7919) % 1000: 0-4 overdue
at NOW, 5-9 past the warning moment only, the rest in the future, so any run of 1000
consecutive ids holds exactly 0.5% + 0.5% due rows. Later runs reuse the rows if
their count and shape match; --reload rebuilds them.

Measured: one `flag_steps(now=NOW)` (the project's function), with the time of each
SQL statement, the process's peak RSS growth, and, in a second identical untimed
sweep, the Python heap peak under tracemalloc; the EXPLAIN (ANALYZE, BUFFERS) of its
overdue and warning UPDATEs (rolled back); then a naive loop over the steps of
SAMPLE consecutive ids: ORM iteration, `clock.flag_at` in Python, `save()` and
`Alert.objects.create()` per changed row, in autocommit. Both must flag the same
steps. Every flag and alert a run makes is undone afterwards, so runs repeat.
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "govservice.settings"

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql as pgsql  # noqa: E402

ROWS = 1_000_000
SAMPLE = 20_000
TARGET_SECONDS = 2.0
TARGET_MEMORY_MB = 64.0  # peak growth allowed for the sweep; materialising 1M rows would take far more
TZ = "Asia/Shanghai"
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo(TZ))  # a Monday morning
BUCKET_PRIME = 7919  # coprime with 1000: (n * 7919) % 1000 is a permutation of every 1000 consecutive n
ITEM_CODE = "000104009999"
TRACKING_PREFIX = "BENCH"


def refuse(message: str) -> None:
    print(f"sweep_bench: {message}", file=sys.stderr)
    sys.exit(2)


def ensure_database() -> None:
    """Check DATABASE_URL before Django starts, and create the PostgreSQL database if it is missing."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        refuse("DATABASE_URL is not set, and the project's default is SQLite. This benchmark needs PostgreSQL:\n"
               "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_bench .venv/bin/python "
               "bench/sweep_bench.py")
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        refuse(f"DATABASE_URL points to {config['ENGINE']}; this benchmark measures PostgreSQL "
               "(partial indexes, set-based UPDATE and INSERT … SELECT at scale) and refuses to run on "
               "SQLite or anything else.")
    name = config["NAME"]
    if "bench" not in name:
        refuse(f"database {name!r}: the load empties the application tables, so the name must contain 'bench' "
               "(e.g. govservice_bench).")
    params = {"dbname": "postgres", "host": config.get("HOST") or None, "port": config.get("PORT") or None,
              "user": config.get("USER") or None, "password": config.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
            print(f"created database {name}")


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction  # noqa: E402

from apps.applications.clock import flag_at  # noqa: E402
from apps.applications.models import Application, Flag, Status, Step, StepStatus  # noqa: E402
from apps.catalog.models import Department  # noqa: E402
from apps.catalog.services import use_current_version  # noqa: E402
from apps.supervision.models import Alert, AlertKind, AlertLevel  # noqa: E402
from apps.supervision.services import flag_steps  # noqa: E402
from tests.factories import ServiceItemFactory, make_id_number  # noqa: E402

APP = Application._meta.db_table
STEP = Step._meta.db_table
ALERT = Alert._meta.db_table
LEVEL_OF = {Flag.OVERDUE: AlertLevel.OVERDUE, Flag.WARNING: AlertLevel.WARNING}


def sql(statement: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


class PeakRss:
    """Growth of the process's resident memory at its peak inside the block, in MB.

    On Linux the high-water mark is reset first (/proc/self/clear_refs), so the figure is the block's own
    peak; elsewhere it is the growth of ru_maxrss, which stays 0 while the block keeps under an earlier peak.
    """

    def __enter__(self):
        self.hwm = self._reset_hwm()
        self.before = self._status("VmRSS") if self.hwm else self._maxrss()
        return self

    def __exit__(self, *exc):
        self.growth = ((self._status("VmHWM") if self.hwm else self._maxrss()) - self.before) / 1024
        return False

    @staticmethod
    def _reset_hwm() -> bool:
        try:
            Path("/proc/self/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    @staticmethod
    def _status(field: str) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
        raise LookupError(field)

    @staticmethod
    def _maxrss() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


# --- data -------------------------------------------------------------------------------------------------


def world():
    """One department and one published, frozen service item (made once, found afterwards)."""
    department, _ = Department.objects.get_or_create(code="BENCH", defaults={"name": "基准测试局"})
    item = ServiceItemFactory(code=ITEM_CODE, name="基准测试事项", department=department,
                              promised_limit_days=10, legal_limit_days=20)
    with transaction.atomic():
        version = use_current_version(item=item)
    return department, item, version


# Per row n: bucket b = (n * 7919) % 1000; the step's due date (its due moment is the next midnight)
# and warning moment, relative to NOW's local date :today.
DEADLINES = f"""
    CROSS JOIN LATERAL (SELECT ((g::bigint * {BUCKET_PRIME}) %% 1000)::int AS b) k
    CROSS JOIN LATERAL (SELECT CASE WHEN k.b < 5 THEN %(today)s::date - 1 - g %% 5
                                    WHEN k.b < 10 THEN %(today)s::date + 1 + g %% 5
                                    ELSE %(today)s::date + 3 + g %% 20 END AS due_date) d
    CROSS JOIN LATERAL (SELECT d.due_date - 7 AS started_on) s
"""

INSERT_APPLICATIONS = f"""
INSERT INTO {APP} (id, tracking_number, verification_code, applicant_name, applicant_id_number, applicant_phone,
    channel, delivery_method, delivery_address, form_data, status, flag, suspended, submitted_at, received_on,
    intake_due_on, accepted_at, accepted_on, deemed_accepted, extension_days, paused_workdays, due_date,
    legal_due_date, warning_at, due_at, decision_reason, delivery_reference, event_count, last_event_hash,
    department_id, item_version_id, service_item_id)
SELECT g, %(prefix)s || lpad(g::text, 9, '0'), lpad((g %% 1000000)::text, 6, '0'), '申请人' || g,
    (%(id_numbers)s::text[])[1 + g %% 1000], '138' || lpad((g %% 100000000)::text, 8, '0'),
    'online', 'electronic', '', '{{}}'::jsonb, %(accepted)s, %(normal)s, false,
    (s.started_on - 1 + time '09:00') AT TIME ZONE %(tz)s, s.started_on - 1, s.started_on + 4,
    (s.started_on + time '09:30') AT TIME ZONE %(tz)s, s.started_on, false, 0, 0,
    %(today)s::date + 10 + g %% 20, %(today)s::date + 20 + g %% 20,
    (%(today)s::date + 9 + g %% 20 + time '00:00') AT TIME ZONE %(tz)s,
    (%(today)s::date + 11 + g %% 20 + time '00:00') AT TIME ZONE %(tz)s,
    '', '', 0, '', %(department)s, %(version)s, %(item)s
FROM generate_series(1, %(rows)s) g
{DEADLINES}
"""

INSERT_STEPS = f"""
INSERT INTO {STEP} (id, "order", name, role, allotted_days, status, flag, started_at, started_on,
    paused_workdays, due_date, suspended, warning_at, due_at, comment, application_id, department_id)
SELECT g, 1, '审查', 'approver', 5, %(active)s, %(normal)s, (s.started_on + time '09:30') AT TIME ZONE %(tz)s,
    s.started_on, 0, d.due_date, false,
    CASE WHEN k.b >= 5 AND k.b < 10 THEN (%(today)s::date - g %% 3 + time '00:00') AT TIME ZONE %(tz)s
         ELSE (d.due_date - 1 + time '00:00') AT TIME ZONE %(tz)s END,
    (d.due_date + 1 + time '00:00') AT TIME ZONE %(tz)s,
    '', g, %(department)s
FROM generate_series(1, %(rows)s) g
{DEADLINES}
"""


def expected_counts(rows: int, low: int = 1, high: int | None = None) -> tuple[int, int]:
    """(overdue, warning) for ids low..high by construction of the buckets."""
    high = rows if high is None else high
    buckets = [(n * BUCKET_PRIME) % 1000 for n in range(low, high + 1)]
    return sum(b < 5 for b in buckets), sum(5 <= b < 10 for b in buckets)


def loaded(rows: int, version_id: int) -> bool:
    """The rows are there and in the shape a load leaves them (after a reset)."""
    (steps, open_normal, apps, other_version), = sql(
        f"SELECT (SELECT count(*) FROM {STEP}),"
        f" (SELECT count(*) FROM {STEP} WHERE status = %s AND NOT suspended AND flag = %s),"
        f" (SELECT count(*) FROM {APP}),"
        f" (SELECT count(*) FROM {APP} WHERE item_version_id <> %s)",
        [StepStatus.ACTIVE, Flag.NORMAL, version_id])
    return steps == open_normal == apps == rows and other_version == 0


def load(rows: int, department, item, version) -> float:
    began = time.perf_counter()
    params = {"rows": rows, "today": NOW.date(), "tz": TZ, "prefix": TRACKING_PREFIX,
              "id_numbers": [make_id_number(n) for n in range(1000)], "accepted": Status.ACCEPTED,
              "active": StepStatus.ACTIVE, "normal": Flag.NORMAL, "department": department.pk,
              "version": version.pk, "item": item.pk}
    with transaction.atomic():
        sql("SET LOCAL synchronous_commit = off")
        sql(f"TRUNCATE {ALERT}, {STEP}, {APP} RESTART IDENTITY CASCADE")
        t = time.perf_counter()
        sql(INSERT_APPLICATIONS, params)
        print(f"  {rows:,} applications: {time.perf_counter() - t:6.1f} s", flush=True)
        t = time.perf_counter()
        sql(INSERT_STEPS, params)
        print(f"  {rows:,} steps:        {time.perf_counter() - t:6.1f} s", flush=True)
        for table in (APP, STEP):
            sql("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, rows])
        t = time.perf_counter()
    print(f"  commit (deferred FK checks): {time.perf_counter() - t:6.1f} s", flush=True)
    t = time.perf_counter()
    sql(f"VACUUM ANALYZE {APP}")
    sql(f"VACUUM ANALYZE {STEP}")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - t:6.1f} s", flush=True)
    return time.perf_counter() - began


def reset() -> tuple[int, int]:
    """Undo every flag and alert a run made (also after a crash half-way), keeping the rows where they were.

    An update writes a new row version elsewhere; vacuuming first frees the slots of the versions the run
    replaced, so the restored rows go back among the others instead of piling up, together, at the end of
    the table (which would make every later sweep cheaper than the first).
    """
    vacuum_steps()
    with transaction.atomic():
        steps = Step.objects.exclude(flag=Flag.NORMAL, flagged_at=None).update(flag=Flag.NORMAL, flagged_at=None)
        alerts, _ = Alert.objects.filter(kind=AlertKind.STEP, raised_at=NOW).delete()
    vacuum_steps()
    return steps, alerts


def vacuum_steps() -> None:
    """So that every sweep starts from the same heap and indexes, without the dead rows of the last one."""
    sql(f"VACUUM ANALYZE {STEP}")
    sql(f"VACUUM ANALYZE {ALERT}")


# --- the two ways -----------------------------------------------------------------------------------------


class Timings:
    """Wall time of each statement the sweep sends, and the statements themselves (for EXPLAIN)."""

    def __init__(self):
        self.calls = []

    def __call__(self, execute, statement, params, many, context):
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            cursor = context["cursor"]
            self.calls.append((statement, params, time.perf_counter() - began, cursor.rowcount))


def set_based() -> dict:
    timings = Timings()
    wrapper = connections[DEFAULT_DB_ALIAS]
    commit, committed = wrapper.commit, []

    def timed_commit():  # the deferred FK checks of the alerts run here
        began = time.perf_counter()
        commit()
        committed.append(time.perf_counter() - began)

    wrapper.commit = timed_commit
    try:
        with PeakRss() as rss, connection.execute_wrapper(timings):
            began = time.perf_counter()
            result = flag_steps(now=NOW)
            seconds = time.perf_counter() - began
    finally:
        del wrapper.commit
    return {"result": result, "seconds": seconds, "rss_growth": rss.growth, "calls": timings.calls,
            "commit": sum(committed)}


def traced_heap_peak() -> float:
    """The same sweep again (after a reset), untimed, under tracemalloc: the Python heap it needs."""
    tracemalloc.start()
    try:
        flag_steps(now=NOW)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def naive(low: int, high: int) -> dict:
    """What a per-row implementation does: look at every open step in Python, save each change alone."""
    examined = 0
    flagged = {}
    with PeakRss() as rss:
        began = time.perf_counter()
        for step in Step.objects.filter(pk__range=(low, high), status=StepStatus.ACTIVE, suspended=False):
            examined += 1
            new = flag_at(NOW, step.warning_at, step.due_at)
            if new != step.flag:
                step.flag, step.flagged_at = new, NOW
                step.save()
                Alert.objects.create(kind=AlertKind.STEP, level=LEVEL_OF[new], subject=f"{AlertKind.STEP}:{step.pk}",
                                     due_at=step.due_at, application_id=step.application_id, step=step,
                                     department_id=step.department_id, raised_at=NOW)
                flagged[step.pk] = new
        seconds = time.perf_counter() - began
    return {"examined": examined, "flagged": flagged, "seconds": seconds, "rss_growth": rss.growth}


def explain(calls: list) -> list[list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the sweep's two UPDATEs, as sent, in one transaction rolled back."""
    updates = [(statement, params) for statement, params, _s, _n in calls if statement.startswith("UPDATE")]
    plans = []
    with transaction.atomic():
        for statement, params in updates:
            plans.append([row[0] for row in sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)])
        transaction.set_rollback(True)
    return plans


# --- report -----------------------------------------------------------------------------------------------


def plan_summary(lines: list[str]) -> list[str]:
    """The plan down to its scan of the table (and that scan's condition), then the timings."""
    scan = next((i for i, line in enumerate(lines) if "Index Scan" in line or "Seq Scan" in line), len(lines) - 1)
    cond = next((i for i in range(scan + 1, len(lines)) if "Cond:" in lines[i] or "Filter:" in lines[i]), scan)
    timings = [line for line in lines[cond + 1:] if line.startswith(("Planning Time", "Execution Time"))]
    keep = lines[:cond + 1] + timings
    return [line if len(line) <= 150 else line[:147] + "..." for line in keep]


def describe(statement: str) -> str:
    if statement.startswith("UPDATE"):
        return "UPDATE " + ("(overdue)" if "due_at <=" in statement else "(warning)")
    if statement.startswith("INSERT"):
        return f"INSERT {ALERT}"
    return statement.split()[0]


def statement_groups(calls: list) -> list[tuple[str, int, float, int]]:
    """(label, statements, seconds, rows), consecutive statements of one kind together."""
    groups = []
    for statement, _params, seconds, rowcount in calls:
        label = describe(statement)
        if groups and groups[-1][0] == label:
            _label, count, total, rows = groups[-1]
            groups[-1] = (label, count + 1, total + seconds, rows + rowcount)
        else:
            groups.append((label, 1, seconds, rowcount))
    return groups


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="rebuild the rows even if they are there")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"open steps to sweep (default {ROWS:,})")
    parser.add_argument("--sample", type=int, default=SAMPLE, help=f"steps for the naive loop (default {SAMPLE:,})")
    args = parser.parse_args()
    if args.sample > args.rows:
        refuse("--sample cannot exceed --rows")

    # Queries are not collected in production; DEBUG would keep each one in memory here.
    settings.DEBUG = False
    if connection.vendor != "postgresql":
        refuse(f"connected to {connection.vendor}; PostgreSQL only.")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    department, item, version = world()
    server = sql("SHOW server_version")[0][0]
    print(f"PostgreSQL {server}, database {connection.settings_dict['NAME']}; NOW = {NOW.isoformat()}")

    undone = reset()
    if any(undone):
        print(f"undid {undone[0]} flags and {undone[1]} alerts left by an interrupted run")
    if args.reload or not loaded(args.rows, version.pk):
        print(f"loading {args.rows:,} open steps (INSERT … SELECT generate_series, one transaction):", flush=True)
        load_seconds = load(args.rows, department, item, version)
        print(f"  loaded in {load_seconds:.1f} s")
        assert loaded(args.rows, version.pk), "the load did not leave the expected rows"
    else:
        load_seconds = None
        print(f"reusing {args.rows:,} loaded open steps (--reload to rebuild)")
    want_red, want_yellow = expected_counts(args.rows)
    low = (args.rows - args.sample) // 2 + 1
    high = low + args.sample - 1
    sample_red, sample_yellow = expected_counts(args.rows, low, high)

    # 1. The set-based sweep, once, timed.
    sweep = set_based()
    red, yellow = sweep["result"]["steps overdue"], sweep["result"]["steps warning"]
    assert (red, yellow) == (want_red, want_yellow), f"flag_steps flagged {(red, yellow)}, expected " \
                                                     f"{(want_red, want_yellow)}"
    alerts = Alert.objects.filter(kind=AlertKind.STEP, raised_at=NOW).count()
    assert alerts == red + yellow, f"{alerts} alerts for {red + yellow} flagged steps"
    sweep_flags = dict(Step.objects.filter(pk__range=(low, high)).exclude(flag=Flag.NORMAL)
                       .values_list("pk", "flag"))
    reset()
    plans = explain(sweep["calls"])
    vacuum_steps()
    heap_peak = traced_heap_peak()
    reset()

    # 2. The naive loop on SAMPLE steps of the same shape.
    loop = naive(low, high)
    assert len(loop["flagged"]) == sample_red + sample_yellow, "the naive loop flagged a different number"
    assert loop["flagged"] == sweep_flags, "the naive loop and flag_steps disagree on the sample"
    reset()

    # Report.
    flagged = red + yellow
    sweep_s = sweep["seconds"]
    covered_rate = args.rows / sweep_s
    examined_rate = flagged / sweep_s
    naive_rate = loop["examined"] / loop["seconds"]
    extrapolated = args.rows / naive_rate
    memory = max(heap_peak, sweep["rss_growth"])
    passed_time = sweep_s < TARGET_SECONDS
    passed_memory = memory < TARGET_MEMORY_MB

    print()
    print(f"flag_steps(now=NOW) on {args.rows:,} open steps: {red:,} overdue + {yellow:,} warning = {flagged:,} "
          f"flagged ({flagged / args.rows:.2%}), {alerts:,} alerts")
    for label, count, seconds, rowcount in statement_groups(sweep["calls"]):
        label = label if count == 1 else f"{label} ({count} batches)"
        print(f"  {label:38} {seconds * 1000:8.1f} ms  {rowcount:>7,} rows")
    other = sweep_s - sweep["commit"] - sum(seconds for _st, _p, seconds, _n in sweep["calls"])
    print(f"  {'COMMIT (deferred FK checks)':38} {sweep['commit'] * 1000:8.1f} ms")
    print(f"  {'Python (outside the statements)':38} {other * 1000:8.1f} ms")
    for title, plan in zip(("overdue", "warning"), plans, strict=True):
        index = next((name for name in ("step_overdue_sweep_idx", "step_warning_sweep_idx")
                      if any(name in line for line in plan)), None)
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the {title} UPDATE (rolled back); partial index used: "
              f"{index or 'NO - sequential or other scan'}")
        for line in plan_summary(plan):
            print(f"  {line}")

    print(f"\nnaive per-row ORM loop on steps {low:,}..{high:,} ({loop['examined']:,} examined, "
          f"{len(loop['flagged'])} flagged, save() + Alert.objects.create() each, autocommit): "
          f"{loop['seconds']:.2f} s; same steps flagged as flag_steps")

    print("\n" + "-" * 84)
    print(f"{'':34}{'set-based flag_steps':>24}{'naive per-row loop':>26}")
    print(f"{'open steps':34}{args.rows:>24,}{loop['examined']:>26,}")
    print(f"{'rows flagged':34}{flagged:>24,}{len(loop['flagged']):>26,}")
    print(f"{'seconds':34}{sweep_s:>24.3f}{loop['seconds']:>26.3f}")
    print(f"{'rows examined / s (*)':34}{examined_rate:>24,.0f}{naive_rate:>26,.0f}")
    print(f"{'open rows covered / s':34}{covered_rate:>24,.0f}{naive_rate:>26,.0f}")
    print(f"{'seconds for 1,000,000 open steps':34}{sweep_s * 1_000_000 / args.rows:>24.3f}"
          f"{extrapolated * 1_000_000 / args.rows:>26.1f}")
    print(f"{'peak RSS growth, process (MB)':34}{sweep['rss_growth']:>24.1f}{loop['rss_growth']:>26.1f}")
    print(f"{'Python heap peak, tracemalloc (MB)':34}{heap_peak:>24.1f}{'-':>26}")
    print(f"{'ratio (covered/s over naive rows/s)':34}{covered_rate / naive_rate:>23,.0f}x")
    print("-" * 84)
    print("(*) set-based: index entries read, i.e. the rows flagged; naive: open rows fetched and decided in Python."
          f"\n    naive 1,000,000 figure extrapolated from {loop['examined']:,} rows"
          + ("" if args.rows == 1_000_000 else "; set-based scaled linearly from the rows loaded"))
    if load_seconds is not None:
        print(f"load: {load_seconds:.1f} s")
    print(f"total run: {time.perf_counter() - started:.1f} s")
    print(f"target: one sweep over {args.rows:,} open steps < {TARGET_SECONDS:.0f} s: "
          f"{'PASS' if passed_time else 'FAIL'} ({sweep_s:.3f} s)")
    print(f"target: flat memory (peak growth < {TARGET_MEMORY_MB:.0f} MB): "
          f"{'PASS' if passed_memory else 'FAIL'} ({memory:.1f} MB)")
    print("RESULT:", "PASS" if passed_time and passed_memory else "FAIL")


if __name__ == "__main__":
    main()
