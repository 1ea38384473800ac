"""Who is asking: the client's address, trusting `X-Forwarded-For` only from the proxies we run."""

import ipaddress

from django.conf import settings


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def trusted_proxy_networks() -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def client_address(request) -> str:
    """The address rate limits and sign-in locks count against.

    `REMOTE_ADDR`, unless it is one of `TRUSTED_PROXIES`: then the nearest address in `X-Forwarded-For` that is
    not itself a trusted proxy. Anyone can write the header, so an untrusted sender's copy is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_proxy_networks()
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a garbled header: count the proxy itself rather than a made-up name
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote
