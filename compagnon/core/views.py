from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from compagnon import permissions
from compagnon.members import selectors as member_selectors
from compagnon.members.models import Member


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
        from compagnon.accounts.services import update_own_account

        if request.user.language != lang:
            update_own_account(actor=request.user, language=lang)
    return response


def index(request):
    return redirect("home" if request.user.is_authenticated else "account_login")


@login_required
def home(request):
    """One page per role; a person with several roles sees each of their sections."""
    scope = permissions.scope_for(request.user)
    context = {"scope": scope}
    if scope.is_member:
        member = Member.objects.select_related("user", "office", "entity", "advisor").get(
            pk=scope.member_id
        )
        memberships = member_selectors.my_memberships(request.user)
        context.update(
            member=member,
            memberships=memberships,
            attention=member_selectors.member_attention(request.user, member, memberships),
            recent=member_selectors.history(request.user, member=member, limit=5),
        )
    if scope.is_advisor:
        dash = member_selectors.advisor_dashboard(
            request.user,
            search=request.GET.get("q", "").strip(),
            status=request.GET.get("status", ""),
        )
        dash["page"] = Paginator(dash.pop("followed"), 25).get_page(request.GET.get("page"))
        context["advisor"] = dash
        if request.htmx and request.htmx.target == "advisor-members":
            return render(
                request,
                "members/_member_rows.html",
                {"page": dash["page"], "q": request.GET.get("q", "")},
            )
    if scope.is_accountant or scope.is_admin:
        context["entities"] = member_selectors.entity_dashboard(request.user)
    if scope.is_support:
        context["support_services"] = sorted(scope.support_services)
    return render(request, "core/home.html", context)
