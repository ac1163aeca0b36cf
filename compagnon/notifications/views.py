"""Pages of notifications: the list (newest first) and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.views_helpers import get_or_404

from . import selectors, services

PAGE_SIZE = 25


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notifications(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "notifications": page.object_list, "unread_only": unread_only,
        "unread": selectors.unread_count(request.user),
    })


@login_required
@require_POST
def notification_open(request, pk):
    """Mark it read and go where it points (a link inside this site only)."""
    notification = get_or_404(selectors.notification, request.user, pk)
    services.mark_read(user=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return redirect(url)
    return redirect("notification-list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_or_404(selectors.notification, request.user, pk)
    services.mark_read(user=request.user, notification=notification)
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else "notification-list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.mark_read(user=request.user)
    if n:
        messages.success(request, _("All notifications marked as read."))
    return redirect("notification-list")
