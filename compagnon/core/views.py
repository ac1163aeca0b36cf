from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from .signals import language_chosen


@require_GET
@never_cache
def healthz(request):
    """Liveness for load balancers and monitoring: database reachable, task queue not backed up."""
    body, status = {"database": "ok", "tasks": "ok"}, 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"database": "error", "tasks": "unknown"}, status=503)
    try:
        from django_tasks_db.models import DBTaskResult

        late = timezone.now() - timedelta(seconds=settings.TASKS_LATE_AFTER_SECONDS)
        if DBTaskResult.objects.ready().filter(enqueued_at__lt=late).exists():
            body["tasks"] = "late"
    except Exception:  # noqa: BLE001
        body["tasks"] = "unknown"
    return JsonResponse(body, status=status)


@require_POST
def set_language(request):
    """Switch the UI language; a logged-in user keeps the choice in their profile."""
    response = django_set_language(request)
    lang = request.POST.get("language")
    if request.user.is_authenticated and lang in dict(settings.LANGUAGES):
        language_chosen.send(sender=set_language, user=request.user, language=lang)
    return response
