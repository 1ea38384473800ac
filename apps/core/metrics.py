"""Prometheus metrics at /metrics: request latency by route, Celery task outcomes, and the collectors named
in settings.METRICS_COLLECTORS (figures computed when scraped, such as the flagged applications).

With PROMETHEUS_MULTIPROC_DIR set (gunicorn's workers, the Celery worker and its pool on one host) every
process writes its counters there and /metrics adds them up; without it each process counts its own.
"""

import ipaddress
import logging
import os
import time

from celery import signals
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

logger = logging.getLogger(__name__)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUEST_SECONDS = Histogram(
    "govservice_http_request_duration_seconds", "Time to answer a request, by route pattern",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TASKS = Counter("govservice_celery_tasks", "Celery tasks run, by task and outcome", ["task", "outcome"])


class RequestMetricsMiddleware:
    """Times each request; labels it with its URL pattern (never the raw path, which holds ids)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = f"/{match.route}" if match is not None and match.route else "unmatched"
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(method, route, str(response.status_code)).observe(time.perf_counter() - started)
        return response


@signals.task_success.connect(dispatch_uid="metrics.task_success")
def _task_succeeded(sender=None, **kwargs):
    TASKS.labels(sender.name, "succeeded").inc()


@signals.task_failure.connect(dispatch_uid="metrics.task_failure")
def _task_failed(sender=None, **kwargs):
    TASKS.labels(sender.name, "failed").inc()


@signals.task_retry.connect(dispatch_uid="metrics.task_retry")
def _task_retried(sender=None, **kwargs):
    TASKS.labels(sender.name, "retried").inc()


def allowed_networks() -> tuple:
    return tuple(ipaddress.ip_network(net.strip(), strict=False) for net in settings.METRICS_ALLOWED_NETWORKS)


def may_scrape(request) -> bool:
    """The address the connection comes from (a scraper connects directly, never through the proxy)."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in allowed_networks())


def registry() -> CollectorRegistry:
    """A fresh registry per scrape: the counters (of every process, in multiprocess mode) and the
    scrape-time collectors."""
    scraped = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(scraped)
    else:
        scraped.register(REGISTRY)
    for path in settings.METRICS_COLLECTORS:
        scraped.register(import_string(path)())
    return scraped


@never_cache
@require_GET
def metrics(request):
    if not may_scrape(request):
        return JsonResponse({"detail": _("Metrics are not served to this address.")}, status=403)
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
