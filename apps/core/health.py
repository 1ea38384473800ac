"""Probes for load balancers and orchestrators: /healthz (the process answers) and /readyz (it can serve).

Plain Django views, outside the API: no authentication, no rate limit, no session, JSON only.
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from govservice.celery import app as celery_app

logger = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 2
_migrations_seen_applied = False


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process is up and answering; touches nothing else, so a database outage never
    gets a healthy web process restarted."""
    return JsonResponse({"status": "ok"})


def check_database() -> str:
    """'ok', 'unreachable' or 'migrations pending'."""
    global _migrations_seen_applied
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_seen_applied:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations pending"
            _migrations_seen_applied = True  # migrations are never rolled back under a running process
    except Exception as error:  # any driver error means the same to a probe: not ready
        logger.warning("readiness: database unreachable: %s", error)
        connection.close_if_unusable_or_obsolete()
        return "unreachable"
    return "ok"


def check_cache() -> str:
    try:
        cache.set("readyz:probe", "1", timeout=PROBE_TIMEOUT_SECONDS * 5)
        cache.get("readyz:probe")
    except Exception as error:
        logger.warning("readiness: cache unreachable: %s", error)
        return "unreachable"
    return "ok"


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=PROBE_TIMEOUT_SECONDS)
    except Exception as error:
        logger.warning("readiness: broker unreachable: %s", error)
        return "unreachable"
    return "ok"


@never_cache
@require_GET
def readyz(request):
    """Readiness. Without the database (or with migrations pending) nothing works: 503, take this process
    out of the pool. Without the cache or the broker the system still serves (rate limits per process,
    notifications sent later), so 200 with status 'degraded' and the parts that are missing."""
    checks = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    if checks["database"] != "ok":
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    degraded = [name for name in ("cache", "broker") if checks[name] != "ok"]
    body = {"status": "degraded" if degraded else "ok", "checks": checks}
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body)
