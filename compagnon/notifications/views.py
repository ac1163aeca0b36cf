"""Pages of notifications: the list (newest first) and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon.core.params import bool_param, paginate
from compagnon.core.redirects import redirect_next, redirect_safe
from compagnon.core.views_helpers import get_or_404

from . import selectors, services

PAGE_SIZE = 25


@login_required
@require_GET
def notification_list(request):
    unread_only = bool_param(request, "unread")
    qs = selectors.notifications(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, PAGE_SIZE)
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
    return redirect_safe(request, url, "notification-list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_or_404(selectors.notification, request.user, pk)
    services.mark_read(user=request.user, notification=notification)
    return redirect_next(request, "notification-list")


@login_required
@require_POST
def notification_read_all(request):
    n = services.mark_read(user=request.user)
    if n:
        messages.success(request, _("All notifications marked as read."))
    return redirect("notification-list")
