from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse

from . import jobs
from .models import JobState


@login_required
def reading(request, pk):
    """Poll for a reading: ``{"state": "pending" | "done" | "nothing" | "failed", "reading": {...}}``.
    Only the user who asked for it sees it (404 for anyone else)."""
    job = jobs.for_user(request.user, pk)
    if job is None:
        raise Http404
    response = JsonResponse({"state": job.state, "reading": job.result if job.state == JobState.DONE else None})
    response["Cache-Control"] = "private, no-store"
    return response
