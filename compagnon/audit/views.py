from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from compagnon import permissions


@login_required
def audit_list(request):
    events = permissions.audit_events(request.user).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"page": page, "events": page.object_list})
