"""The installable app: web app manifest, service worker, the page shown without network, and the
endpoint that creates a new draft asked for offline.

They are served from the site root so the service worker's scope covers the whole app. The worker
itself is the static file ``core/sw.js``; this view prefixes it with what it must know from the
server (the URLs of the shell's static files, the offline page, a version that changes with them)
and answers with ``Service-Worker-Allowed: /``. What it caches, and what it never caches, is
described in docs/architecture.md ("Offline and installable").
"""

import hashlib
import json
import uuid

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from compagnon.sales import selectors as sales_selectors
from compagnon.sales import services as sales_services
from compagnon.sales.models import Kind

THEME = "#2f6f4f"  # --green of core/app.css (the header)
BACKGROUND = "#fbf9f5"  # --bg of core/app.css

# Static files every page needs (htmx and the page's own files are added by offline.js as pages
# load: it hands the worker the stylesheets and scripts of the page it runs on).
SHELL = [
    "core/app.css",
    "core/htmx.css",
    "core/behaviours.js",
    "core/offline.js",
    "core/favicon.svg",
    "core/icon-192.png",
]


@require_GET
@vary_on_headers("Cookie", "Accept-Language")
@cache_control(no_cache=True)
def manifest(request):
    """The web app manifest, in the reader's language."""
    data = {
        "id": "/",
        "name": _("Compagnon — the cooperative's shared workplace"),
        "short_name": "Compagnon",
        "description": _(
            "Quotes, invoices, time and clients of your activity in the cooperative, "
            "also when the network is gone."
        ),
        "lang": get_language(),
        "start_url": reverse("index"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {"src": static("core/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("core/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("core/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("core/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """core/sw.js with its settings in front; browsers check it for updates on every visit."""
    with open(finders.find("core/sw.js"), encoding="utf-8") as f:
        body = f.read()
    shell = [static(path) for path in SHELL]
    offline = reverse("offline")
    version = hashlib.sha256(json.dumps([body, shell, offline]).encode()).hexdigest()[:12]
    settings = {"version": version, "shell": shell, "offline": offline, "static": static("")}
    response = HttpResponse(
        f"self.COMPAGNON = {json.dumps(settings)};\n{body}",
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@vary_on_headers("Cookie", "Accept-Language")
@cache_control(no_cache=True)
def offline(request):
    """What the app shows when a page cannot be reached: no personal data (the worker keeps it)."""
    return render(request, "home/offline.html")


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _refused(*problems) -> JsonResponse:
    return JsonResponse({"errors": [str(p) for p in problems]}, status=400)


@login_required
@require_POST
def new_document_queued(request):
    """A new draft asked for without network ("Create and fill in" on /documents/new/), sent by
    the phone once the network is back (core/static/core/offline.js). The phone's ``client_key``
    makes it idempotent: sent again, the same draft is answered. JSON answer, no page."""
    user = request.user
    try:
        key = uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return _refused(_("This request from the phone is incomplete: create the draft again."))
    activities = {a.pk: a for a in sales_selectors.workable_activities(user)}
    activity = activities.get(_number(request.POST.get("activity")))
    if activity is None:
        return _refused(_("Choose one of the activities you work in."))
    kind = request.POST.get("kind")
    kind = kind if kind in (Kind.QUOTE, Kind.INVOICE) else Kind.QUOTE
    try:
        client = sales_selectors.client(user, activity, _number(request.POST.get("client")))
        document, replayed = sales_services.create_document_once(
            actor=user, activity=activity, client=client, kind=kind, client_key=key
        )
    except ObjectDoesNotExist:
        return _refused(_("Choose one of this activity's clients."))
    except ValidationError as exc:
        return _refused(*exc.messages)
    return JsonResponse(
        {
            "message": _("New draft for %(client)s: it is in Quotes and invoices.")
            % {"client": document.client.name},
            "url": reverse("document-detail", args=[document.pk]),
            "replayed": replayed,
        }
    )
