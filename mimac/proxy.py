"""The client's address, when MIMAC runs behind the proxy the README sets up."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address a request came from, for the sign-in throttle (django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind the proxy (BEHIND_PROXY=1), each of the TRUSTED_PROXIES proxies in a row appends the address it
    was reached from to X-Forwarded-For, so the client is that many addresses from the right; anything
    further left, the client may have written itself. Without a proxy the header is ignored: it could only
    have come from the client.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_PROXY:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [address.strip() for address in header.split(",") if address.strip()]
    # No header: the request did not pass the proxy (a health check from the machine itself). Fewer addresses
    # than proxies: the outer ones added none, so the leftmost is still one a proxy wrote.
    if not forwarded:
        return remote
    candidate = forwarded[-min(settings.TRUSTED_PROXIES, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
