"""The managers' figures on 1,000,000 applications, against a plain COUNT(*) over the same table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govservice_bench .venv/bin/python bench/stats_bench.py [--reload]

PostgreSQL only; the database is created if missing and migrated on each run. Its
name must contain "bench" (or pass --empty-my-database): the load empties the
application tables.

Data: the demo catalogue (17 items in 8 departments, 6 halls), then 1,000,000
applications spread over the past year across every item and hall, written by one
`INSERT … SELECT generate_series(…)` per table: 95% decided and delivered (two
approved steps each, one in 13 with 3 paused working days), 5% open (one active
step; one in eight of those flagged red, one in eight yellow), one in fifty refused
at intake; a visit for every third, a second for every tenth; a rating for every
fourth. Then VACUUM ANALYZE, and the daily rollup of the figures is built (its time is
printed). Later runs reuse the rows if the count matches (and bring the rollup up to
date); --reload rebuilds them.

Measured: each endpoint through the whole stack (DRF view, filters, serializer),
best of REPEAT after one warm-up call, beside `SELECT COUNT(*)` over the applications
(best of REPEAT) as the floor; printed with the ratio to the floor. Target: each
under 500 ms. Then the rollup job is timed on one day's worth of changes: every
application submitted, decided, delivered or rated on the last rolled-up day marked
changed, and that day given back, as after a day of work.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "govservice.settings"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402
from psycopg import sql as pgsql  # noqa: E402

ROWS = 1_000_000
REPEAT = 5
TARGET_MS = 500
ENDPOINTS = ["/api/v1/stats/overview/", "/api/v1/stats/service-items/", "/api/v1/stats/departments/",
             "/api/v1/stats/steps/", "/api/v1/stats/reform/"]
PERIODS = {"the whole year": {}, "one month": {"date_from": "MONTH_START", "date_to": "MONTH_END"}}


def refuse(message: str) -> None:
    print(f"stats_bench: {message}", file=sys.stderr)
    sys.exit(2)


def ensure_database(allow_any_name: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    config = dj_database_url.parse(url) if url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        refuse("set DATABASE_URL to a PostgreSQL database, e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
               "govservice_bench .venv/bin/python bench/stats_bench.py")
    name = config["NAME"]
    if "bench" not in name and not allow_any_name:
        refuse(f"database {name!r}: the load empties the application tables, so its name must contain 'bench' "
               "(or pass --empty-my-database).")
    params = {"dbname": "postgres", "host": config.get("HOST") or None, "port": config.get("PORT") or None,
              "user": config.get("USER") or None, "password": config.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))
            print(f"created database {name}")


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--reload", action="store_true", help="rebuild the rows even if they are there")
parser.add_argument("--empty-my-database", action="store_true",
                    help="allow a database whose name does not contain 'bench'")
args = parser.parse_args()
ensure_database(args.empty_my_database)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.analytics.models import RollupChange, RollupState  # noqa: E402
from apps.analytics.rollup import rebuild_rollup, refresh_rollup  # noqa: E402
from apps.catalog.models import Hall, ServiceItem  # noqa: E402
from apps.demo.services import seed_demo  # noqa: E402

TZ = "Asia/Shanghai"

# Per row g: the item i (arrays indexed 1..n), the day it was submitted, and its fate.
APPLICATIONS = """
INSERT INTO applications_application (id, tracking_number, verification_code, applicant_name, applicant_id_number,
    applicant_phone, channel, delivery_method, delivery_address, form_data, status, flag, suspended, submitted_at,
    received_on, intake_due_on, accepted_at, accepted_on, deemed_accepted, extension_days, paused_workdays,
    due_date, legal_due_date, warning_at, due_at, decided_at, delivery_due_at, delivered_at, decision_reason,
    delivery_reference, event_count, last_event_hash, department_id, item_version_id, service_item_id, hall_id)
SELECT g, 'BENCH-' || lpad(g::text, 9, '0'), 'ABCDEFGH', '申请人', '110101199003074258', '13800000000',
    'online', 'electronic', '', '{}'::jsonb,
    CASE WHEN f.refused THEN 'rejected' WHEN f.open THEN 'accepted' ELSE 'delivered' END,
    CASE WHEN f.open AND g %% 8 = 0 THEN 'overdue' WHEN f.open AND g %% 8 = 1 THEN 'warning' ELSE 'normal' END,
    false, (d.day + time '09:00') AT TIME ZONE %(tz)s, d.day, d.day + 7,
    CASE WHEN NOT f.refused THEN (d.day + time '10:00') AT TIME ZONE %(tz)s END,
    CASE WHEN NOT f.refused THEN d.day END, false, 0, f.paused,
    CASE WHEN NOT f.refused THEN d.day + (%(promised)s::int[])[i] * 7 / 5 + f.paused END,
    CASE WHEN NOT f.refused THEN d.day + (%(legal)s::int[])[i] * 7 / 5 + f.paused END,
    CASE WHEN NOT f.refused THEN (d.day + (%(promised)s::int[])[i] + time '00:00') AT TIME ZONE %(tz)s END,
    CASE WHEN NOT f.refused THEN (d.day + (%(promised)s::int[])[i] * 7 / 5 + 1 + time '00:00') AT TIME ZONE %(tz)s
    END,
    CASE WHEN f.refused THEN (d.day + time '11:00') AT TIME ZONE %(tz)s
         WHEN NOT f.open THEN (d.day + f.took + time '15:00') AT TIME ZONE %(tz)s END,
    CASE WHEN NOT f.open AND NOT f.refused THEN (d.day + f.took + 14 + time '00:00') AT TIME ZONE %(tz)s END,
    CASE WHEN NOT f.open AND NOT f.refused THEN (d.day + f.took + 1 + time '10:00') AT TIME ZONE %(tz)s END,
    CASE WHEN f.refused THEN '不属于本机关职权范围' ELSE '' END, '', 0, '',
    (%(departments)s::int[])[i], (%(versions)s::int[])[i], (%(items)s::int[])[i],
    (%(halls)s::int[])[1 + g %% %(n_halls)s]
FROM generate_series(1, %(rows)s) g
CROSS JOIN LATERAL (SELECT 1 + g %% %(n_items)s AS i) k
CROSS JOIN LATERAL (SELECT %(today)s::date - 1 - g %% 365 AS day) d
CROSS JOIN LATERAL (SELECT g %% 50 = 1 AS refused, g %% 20 = 0 AS open,
                           CASE WHEN g %% 13 = 0 THEN 3 ELSE 0 END AS paused, (g * 7) %% 15 AS took) f
"""

# Two steps per accepted application: approved for the decided ones, the first active for the open ones.
STEPS = """
INSERT INTO applications_step ("order", name, role, allotted_days, status, flag, started_at, started_on,
    paused_workdays, due_date, suspended, comment, application_id, department_id, finished_at)
SELECT s.n, CASE WHEN s.n = 1 THEN '审查' ELSE '决定' END, 'approver', 3,
    CASE WHEN a.status = 'accepted' THEN (CASE WHEN s.n = 1 THEN 'active' ELSE 'pending' END) ELSE 'approved' END,
    CASE WHEN a.status = 'accepted' AND s.n = 1 THEN a.flag ELSE 'normal' END,
    CASE WHEN s.n = 1 OR a.status <> 'accepted' THEN a.accepted_at END,
    CASE WHEN s.n = 1 OR a.status <> 'accepted' THEN a.accepted_on END,
    CASE WHEN s.n = 1 THEN a.paused_workdays ELSE 0 END,
    CASE WHEN s.n = 1 OR a.status <> 'accepted' THEN a.accepted_on + 4 END, false, '', a.id, a.department_id,
    CASE WHEN a.status <> 'accepted' THEN (CASE WHEN s.n = 1 THEN a.accepted_at + (a.decided_at - a.accepted_at) / 2
                                                ELSE a.decided_at END) END
FROM applications_application a CROSS JOIN (VALUES (1), (2)) s(n)
WHERE a.accepted_on IS NOT NULL
"""

VISITS = """
INSERT INTO applications_visit (application_id, hall_id, purpose, clerk_id, at)
SELECT a.id, a.hall_id, v.purpose, %(clerk)s, a.submitted_at
FROM applications_application a
JOIN (VALUES (3, 'submit'), (10, 'collect')) v(every, purpose) ON a.id %% v.every = 0
"""

RATINGS = """
INSERT INTO evaluation_rating (application_id, rater_id, score, comment, created_at)
SELECT a.id, %(rater)s, 1 + (a.id * 7 / 4) %% 5, '', a.delivered_at + interval '1 hour'
FROM applications_application a WHERE a.id %% 4 = 0 AND a.status = 'delivered'
"""


def sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def load() -> None:
    seed_demo(history=0)
    items = list(ServiceItem.objects.filter(current_version__isnull=False).order_by("code"))
    halls = list(Hall.objects.order_by("code").values_list("pk", flat=True))
    params = {
        "tz": TZ, "rows": ROWS, "today": timezone.localdate(), "n_items": len(items), "n_halls": len(halls),
        "items": [i.pk for i in items], "versions": [i.current_version_id for i in items],
        "departments": [i.department_id for i in items], "halls": halls,
        "promised": [i.promised_limit_days for i in items], "legal": [i.legal_limit_days for i in items],
        "clerk": User.objects.get(username="clerk").pk, "rater": User.objects.get(username="citizen").pk,
    }
    started = time.perf_counter()
    sql("TRUNCATE applications_application RESTART IDENTITY CASCADE")
    for name, statement in (("applications", APPLICATIONS), ("steps", STEPS), ("visits", VISITS),
                            ("ratings", RATINGS)):
        t = time.perf_counter()
        sql(statement, params)
        print(f"  loaded {name} in {time.perf_counter() - t:.1f} s")
    sql("SELECT setval(pg_get_serial_sequence('applications_application', 'id'), %s)", [ROWS])
    connection.cursor().execute("VACUUM ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.0f} s")
    t = time.perf_counter()
    report = rebuild_rollup(now=timezone.now())
    connection.cursor().execute("VACUUM ANALYZE")
    print(f"rollup built through {report.rolled_through} in {time.perf_counter() - t:.1f} s: {report.rows:,} rows")


# One day's worth of changes: the applications with anything on the last rolled-up day.
CHANGED_ON = """
INSERT INTO analytics_rollupchange (application_id)
SELECT a.id FROM applications_application a
WHERE (a.submitted_at >= %(start)s AND a.submitted_at < %(end)s)
   OR (a.decided_at >= %(start)s AND a.decided_at < %(end)s)
   OR (a.delivered_at >= %(start)s AND a.delivered_at < %(end)s)
   OR a.id IN (SELECT application_id FROM evaluation_rating WHERE created_at >= %(start)s AND created_at < %(end)s)
"""


def time_one_day_of_changes() -> None:
    from apps.applications.clock import end_of, start_of

    state = RollupState.objects.get()
    day = state.rolled_through
    sql(CHANGED_ON, {"start": start_of(day), "end": end_of(day)})
    state.rolled_through = day - datetime.timedelta(days=1)
    state.save()
    changed = RollupChange.objects.count()
    t = time.perf_counter()
    report = refresh_rollup(now=timezone.now())
    print(f"rollup job, one day of changes ({changed:,} applications changed, day {day} given back): "
          f"{(time.perf_counter() - t) * 1000:.0f} ms, {report.rows:,} rows written")


def best_ms(call) -> float:
    call()
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        call()
        times.append((time.perf_counter() - t) * 1000)
    return min(times)


def main() -> None:
    call_command("migrate", verbosity=0)
    if args.reload or sql("SELECT COUNT(*) FROM applications_application")[0][0] != ROWS:
        load()
    else:
        t = time.perf_counter()
        report = refresh_rollup(now=timezone.now())
        print(f"rollup brought up to date (through {report.rolled_through}) in {time.perf_counter() - t:.1f} s: "
              f"{report.rows:,} rows written")
        connection.cursor().execute("ANALYZE")
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    manager = User.objects.get(username="manager")
    assert manager.role == Role.MANAGER and manager.department_id is None
    client = APIClient()
    client.force_authenticate(manager)
    floor = best_ms(lambda: sql("SELECT COUNT(*) FROM applications_application"))
    counts = {table: sql(f"SELECT COUNT(*) FROM {table}")[0][0]  # noqa: S608  fixed names
              for table in ("applications_application", "applications_step", "applications_visit",
                            "evaluation_rating")}
    print("rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    print(f"floor: SELECT COUNT(*) FROM applications_application  {floor:8.1f} ms")
    today = timezone.localdate()
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    failed = []
    for label, period in PERIODS.items():
        params = {k: {"MONTH_START": month_end.replace(day=1), "MONTH_END": month_end}[v].isoformat()
                  for k, v in period.items()}
        print(f"period: {label} {params or ''}")
        for path in ENDPOINTS:
            response = client.get(path, params)
            assert response.status_code == 200, response.content[:300]
            ms = best_ms(lambda path=path, params=params: client.get(path, params))
            verdict = "ok" if ms < TARGET_MS else "OVER TARGET"
            if ms >= TARGET_MS:
                failed.append(path)
            print(f"  {path:32s} {ms:8.1f} ms   {ms / floor:6.1f} x floor   {verdict}")
    overview = client.get("/api/v1/stats/overview/").json()
    print(f"overview: decided {overview['decided']:,}, on time {overview['on_time_rate']}, "
          f"mean {overview['avg_working_days']} working days, p90 {overview['p90_working_days']}")
    time_one_day_of_changes()
    print(f"load average (1 min) {os.getloadavg()[0]:.1f}")
    sys.exit(1 if failed else 0)


main()
