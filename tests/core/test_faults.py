"""Faults against a running `make stack`: PostgreSQL, the cache's Redis and the broker's Redis each go away
for a moment (a proxy between the stack and the server is cut, so nothing else on the machine notices).

Bounded: one stack for the module, every wait has a deadline. Besides readiness and recovery, the tests check
the application's own behaviour under these faults: 503 JSON, a degraded rate limiter, a broker that never
holds a request.
"""

import json
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.core.stack import DATABASE_URL, REDIS, ROOT, Stack, needs_stack
from tests.core.tcp_proxy import TcpProxy

pytestmark = needs_stack



def through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


@pytest.fixture(scope="module")
def proxies():
    database, redis = urlsplit(DATABASE_URL), urlsplit(REDIS)
    made = {"database": TcpProxy(database.hostname, database.port or 5432),
            "cache": TcpProxy(redis.hostname, redis.port or 6379),
            "broker": TcpProxy(redis.hostname, redis.port or 6379)}
    yield made
    for proxy in made.values():
        proxy.cut()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, proxies):
    running = Stack(tmp_path_factory.mktemp("faults"), demo=True,
                    DATABASE_URL=through(proxies["database"], f"{DATABASE_URL}_stack"),
                    REDIS_URL=through(proxies["cache"], REDIS), CELERY_BROKER_URL=through(proxies["broker"], REDIS),
                    # What the broker outage held back is resent a second after it was written, not two minutes.
                    NOTIFICATION_RESEND_AFTER_SECONDS="1")
    running.wait_ready()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def stack_db(stack):
    """The stack's own database, read directly (not through the proxy: it stays up while the stack's is cut)."""
    with psycopg.connect(f"{DATABASE_URL}_stack", autocommit=True) as connection:
        yield connection


def one(db, query: str, *params):
    return db.execute(query, params).fetchone()[0]


@pytest.fixture
def outage(proxies, stack):
    """`with outage("cache"):` the server is away inside the block and back (and the stack ready) after it."""
    class Outage:
        def __init__(self, name):
            self.proxy = proxies[name]

        def __enter__(self):
            self.proxy.cut()

        def __exit__(self, *exc):
            self.proxy.restore()
            stack.wait_until(lambda: stack.ready()["status"] == "ok", 60, "/readyz ok after the outage")

    return Outage


def test_readyz_is_503_while_the_database_refuses_connections_and_recovers_by_itself(stack, outage):
    with outage("database"):
        answer = stack.wait_until(lambda: (r := stack.ready())["http"] == 503 and r, 15, "/readyz 503")
        assert answer["checks"]["database"] == "unreachable"
        assert stack.get("/healthz")[0] == 200  # the process itself is fine: nothing to restart
    assert stack.get("/api/v1/service-items/")[0] == 200


def test_the_api_answers_503_json_with_retry_after_while_the_database_is_down(stack, outage):
    with outage("database"):
        status, headers, body = stack.wait_until(
            lambda: (r := stack.get("/api/v1/service-items/"))[0] != 200 and r, 15, "the API noticing")
        assert status == 503
        assert headers.get("Retry-After")
        assert json.loads(body)["detail"]


def test_without_the_cache_the_stack_is_degraded_not_down(stack, outage):
    with outage("cache"):
        answer = stack.wait_until(lambda: (r := stack.ready())["status"] == "degraded" and r, 15, "degraded")
        assert answer["http"] == 200 and answer["degraded"] == ["cache"]


def test_sign_in_and_tracking_answer_without_the_cache(stack, outage):
    with outage("cache"):
        assert stack.token("citizen")
        assert stack.get("/api/v1/track/WEB-20260101-0001/?code=000000")[0] == 404


def test_without_the_broker_the_stack_is_degraded_not_down(stack, outage):
    with outage("broker"):
        answer = stack.wait_until(lambda: (r := stack.ready())["status"] == "degraded" and r, 15, "degraded")
        assert answer["http"] == 200 and answer["degraded"] == ["broker"]


def submit(stack, citizen: str, **headers) -> tuple[int, dict]:
    return stack.post_json("/api/v1/applications/", {"service_item": "000104002000", "channel": "online",
                                                      "delivery_method": "electronic"},
                           Authorization=f"Token {citizen}", **headers)


def test_a_database_outage_among_submissions_leaves_nothing_half_written(stack, outage, stack_db):
    """Citizens keep submitting while the database goes away for a moment. Each request either committed all of
    itself or nothing: retried with its Idempotency-Key once the database is back, every submission exists exactly
    once, with its whole audit chain, and no key is left recorded without its answer."""
    citizen = stack.token("citizen")
    citizen_id = one(stack_db, "SELECT id FROM accounts_user WHERE username = 'citizen'")
    before = one(stack_db, "SELECT count(*) FROM applications_application WHERE applicant_id = %s", citizen_id)
    answers: dict[str, list[int]] = {}
    stop = threading.Event()

    def keep_submitting():
        while not stop.is_set():
            key = str(uuid.uuid4())
            try:
                status, _ = submit(stack, citizen, **{"Idempotency-Key": key})
            except OSError:  # the connection itself broke: the client cannot know, it retries
                status = 0
            answers.setdefault(key, []).append(status)

    with ThreadPoolExecutor(4) as pool:
        for _ in range(4):
            pool.submit(keep_submitting)
        stack.wait_until(lambda: len(answers) >= 8, 60, "submissions under way")
        with outage("database"):
            time.sleep(3)
        time.sleep(1)
        stop.set()

    first = [statuses[0] for statuses in answers.values()]
    assert 503 in first, f"no submission met the outage: {sorted(set(first))}"
    assert set(first) <= {201, 503, 0}, f"only 201 or 503 (or a dropped connection): {sorted(set(first))}"
    for key, statuses in answers.items():
        if statuses[0] != 201:
            status, body = submit(stack, citizen, **{"Idempotency-Key": key})
            assert status == 201, body

    made = one(stack_db, "SELECT count(*) FROM applications_application WHERE applicant_id = %s", citizen_id)
    assert made - before == len(answers)  # none lost, none twice
    assert one(stack_db, """SELECT count(*) FROM applications_idempotencyrecord
                            WHERE user_id = %s AND status_code <> 201 AND key = ANY(%s)""",
               citizen_id, list(answers)) == 0
    assert one(stack_db, """SELECT count(*) FROM applications_application a
                            WHERE a.applicant_id = %s AND a.event_count
                                  <> (SELECT count(*) FROM applications_event e WHERE e.application_id = a.id)""",
               citizen_id) == 0
    check = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "verify_audit"], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"{DATABASE_URL}_stack", "DJANGO_DEBUG": "true",
             "AUDIT_KEY": stack.settings["AUDIT_KEY"], "DJANGO_SECRET_KEY": stack.settings["DJANGO_SECRET_KEY"]})
    assert check.returncode == 0, check.stdout + check.stderr  # every chain intact, the checkpoints agree


def speed_up_resend(db, seconds: int) -> None:
    """What an administrator does in the admin: the resend job's interval, then tell beat the schedule changed."""
    interval = one(db, """INSERT INTO django_celery_beat_intervalschedule (every, period) VALUES (%s, 'seconds')
                          RETURNING id""", seconds)
    db.execute("UPDATE django_celery_beat_periodictask SET interval_id = %s "
               "WHERE task = 'apps.notifications.tasks.resend_pending'", (interval,))
    db.execute("""INSERT INTO django_celery_beat_periodictasks (ident, last_update) VALUES (1, now())
                  ON CONFLICT (ident) DO UPDATE SET last_update = now()""")


def test_an_accept_answers_within_a_second_without_the_broker_and_is_told_after_it(stack, outage, stack_db):
    citizen, clerk = stack.token("citizen"), stack.token("clerk")
    status, application = stack.post_json(
        "/api/v1/applications/", {"service_item": "000104002000", "channel": "online", "delivery_method": "electronic"},
        Authorization=f"Token {citizen}")
    assert status == 201, application
    items = [{"material": m["material"], "original": True, "copies": 1} for m in application["missing_materials"]]
    status, body = stack.post_json(f"/api/v1/applications/{application['id']}/materials/received/",
                                   {"items": items}, Authorization=f"Token {clerk}")
    assert status == 200, body  # every material handed in at the window: it can be accepted
    with outage("broker"):
        started = time.monotonic()
        status, body = stack.post_json(f"/api/v1/applications/{application['id']}/accept/", {}, timeout=5,
                                       Authorization=f"Token {clerk}")
        elapsed = time.monotonic() - started
    assert status == 200, body
    assert elapsed < 1.0

    def told():  # (still pending, all) of the acceptance's notifications
        return stack_db.execute("""SELECT count(*) FILTER (WHERE status = 'pending'), count(*)
                                   FROM notifications_notification WHERE topic = 'accepted' AND dedupe_key LIKE %s""",
                                (f"application:{application['id']}:%",)).fetchone()

    pending, total = told()
    assert total and pending == total  # the broker was away: written with the acceptance, not sent
    speed_up_resend(stack_db, 2)
    stack.wait_until(lambda: told()[0] == 0, 60, "the held-back notifications sent")
