"""Content-Security-Policy helpers (the policy itself: CONTENT_SECURITY_POLICY in settings.py).

Our own server-rendered documents (the invoice HTML shared by the PDF, the preview and the client
portal) carry a ``<style>`` element: it gets the request's nonce here. Only markup made by our
templates passes through this (user text in them is escaped, so it never contains ``<style``).
"""

import re

_STYLE = re.compile(r"<style(?=[\s>])")


def nonce_styles(request, html: str) -> str:
    nonce = getattr(request, "csp_nonce", None)
    if nonce is None:  # no CSP middleware (a script, a task)
        return html
    # str(): django-csp's lazy nonce is falsy until read; reading it puts it in the header
    return _STYLE.sub(f'<style nonce="{nonce!s}"', html)
