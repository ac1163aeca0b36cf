"""The one way to redirect to a URL a user supplied (``next``, a stored link): this site only.

Built on Django's ``url_has_allowed_host_and_scheme`` (the check its login views use): it refuses
``//evil.example/x``, ``https://evil.example``, ``/\\evil.example``, ``javascript:…`` and control
characters, and, on an HTTPS request, a plain-HTTP URL even on this host.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe(request, url: str | None) -> bool:
    if not url:
        return False
    return url_has_allowed_host_and_scheme(
        url,
        allowed_hosts={request.get_host(), *getattr(settings, "SAFE_REDIRECT_HOSTS", ())},
        require_https=request.is_secure(),
    )


def safe_url(request, url: str | None, default: str) -> str:
    """``url`` when it stays on this site, else ``default`` (a path or a URL name)."""
    return url if is_safe(request, url) else default


def next_url(request, default: str) -> str:
    """The request's ``next`` (POST first, then GET) when it stays on this site, else ``default``."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next"), default)


def redirect_next(request, default: str):
    """Redirect to the request's safe ``next``, or to ``default`` (a path or a URL name)."""
    return redirect(next_url(request, default))


def redirect_safe(request, url: str | None, default: str):
    """Redirect to ``url`` when it stays on this site, else to ``default``."""
    return redirect(safe_url(request, url, default))
