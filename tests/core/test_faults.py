"""Faults against a running `make stack`: PostgreSQL, the cache's Redis and the broker's Redis each go away
for a moment (a proxy between the stack and the server is cut, so nothing else on the machine notices).

Bounded: one stack for the module, every wait has a deadline. Besides readiness and recovery, the tests check
the application's own behaviour under these faults: 503 JSON, a degraded rate limiter, a broker that never
holds a request.
"""

import json
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.core.stack import DATABASE_URL, REDIS, Stack, needs_stack
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
                    REDIS_URL=through(proxies["cache"], REDIS), CELERY_BROKER_URL=through(proxies["broker"], REDIS))
    running.wait_ready()
    yield running
    running.stop()


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


def test_an_accept_answers_within_a_second_without_the_broker(stack, outage):
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
