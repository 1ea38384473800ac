"""Rate limits per client address that survive the shared cache going away.

The counters live in Django's cache (Redis in production, shared by every web process). When Redis cannot be
reached, a limit must not turn sign-in into a server error: the throttle counts in this process's memory
instead, for a short while, then tries the shared cache again.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle

from apps.core.net import client_address

logger = logging.getLogger(__name__)

# How long to count locally after the shared cache failed, before trying it again.
RETRY_SHARED_CACHE_SECONDS = 10
_process_cache = LocMemCache("throttle-fallback", {})
_shared_cache_down_until = 0.0


class ClientAddressThrottle(AnonRateThrottle):
    """An anonymous caller's limit, counted per client address (see `apps.core.net.client_address`)."""

    def get_ident(self, request):
        return client_address(request)

    def allow_request(self, request, view):
        global _shared_cache_down_until
        if time.monotonic() >= _shared_cache_down_until:
            try:
                return super().allow_request(request, view)
            except (RedisError, OSError):
                logger.warning("rate-limit cache unreachable; counting per process for %ss",
                               RETRY_SHARED_CACHE_SECONDS, exc_info=True)
                _shared_cache_down_until = time.monotonic() + RETRY_SHARED_CACHE_SECONDS
        self.cache = _process_cache
        return super().allow_request(request, view)
