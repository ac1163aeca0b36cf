from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from compagnon import permissions
from compagnon.core.params import paginate


@login_required
def audit_list(request):
    events = permissions.audit_events(request.user).select_related("actor")
    page = paginate(request, events, 50)
    return render(request, "audit/audit_list.html", {"page": page, "events": page.object_list})
