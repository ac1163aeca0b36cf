"""The address of the person behind a request, the same way everywhere (rate limits, evidence).

Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy's address, the same for every member:
the client's address is in ``X-Forwarded-For``, to which each proxy appends the address that
connected to it. Only the entries written by our own proxies can be trusted (anyone can send the
header with made-up addresses to the left of them), so settings.TRUSTED_PROXY_COUNT says how many
proxies we run in front of the app:

* 0 (the default): the header is never read; the client is ``REMOTE_ADDR``.
* N > 0: the client is the N-th entry from the right, the address our outermost proxy saw. With
  fewer than N entries every entry was written by our proxies, and the leftmost one is taken.

This is django-allauth's rule (ALLAUTH_TRUSTED_PROXY_COUNT, set from the same variable; allauth
answers 500 on a header shorter than N where we take its leftmost entry) and Django REST
framework's (NUM_PROXIES), so the login rate limits, API throttles and the portal's evidence all
agree on who the client is.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0))


def client_ip(request) -> str | None:
    """The client's IP address as a normalised string, or None when it cannot be read."""
    count = trusted_proxy_count()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if count else ""
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if entries:
        return clean_ip(entries[-min(count, len(entries))])
    return clean_ip(request.META.get("REMOTE_ADDR") or "")


def clean_ip(value: str) -> str | None:
    """``203.0.113.5``, ``203.0.113.5:4711``, ``[2001:db8::1]:443`` → the bare address; else None."""
    value = value.strip()
    if value.startswith("["):  # [IPv6]:port
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # IPv4:port (an IPv6 address has several colons)
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
