"""The member's pages (preferences and interests, news) and the unsubscribe link of the emails,
which needs no login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from compagnon.core.params import paginate
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.members.models import Member
from compagnon.permissions import scope_for

from . import rendering, selectors, services, tokens
from .forms import PreferencesForm
from .models import Kind, UnsubscribeMethod


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    interests = list(selectors.interests_to_choose(member))
    if request.method == "POST":
        form = PreferencesForm(request.POST, interests=interests)
        if form.is_valid():
            try:
                services.save_preferences(actor=request.user, member=member, modes=form.modes,
                                          interests=form.cleaned_data["interests"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("mailings-preferences")
        return render(request, "mailings/preferences.html", {"form": form, "member": member}, status=400)
    initial = {f"mode_{k}": v for k, v in selectors.preferences_of(member).items()}
    initial["interests"] = [str(i) for i in selectors.declared_interest_ids(member)]
    return render(request, "mailings/preferences.html",
                  {"form": PreferencesForm(initial=initial, interests=interests), "member": member})


@login_required
def news_list(request):
    page = paginate(request, selectors.news(request.user), 20)
    page.object_list = selectors.decorate(page.object_list)
    return render(request, "mailings/news.html", {
        "page": page, "is_member": scope_for(request.user).is_member,
        "unread": any(row.unread for row in page.object_list)})


@login_required
def news_detail(request, pk):
    row = get_or_404(selectors.news_item, request.user, pk)
    if row.unread:
        services.mark_read(actor=request.user, delivery=row)
    subject, body = row.mailing.text()
    return render(request, "mailings/news_detail.html", {
        "row": row, "mailing": row.mailing, "subject": subject, "html": rendering.to_html(body),
        "kind": Kind(row.mailing.kind).label})


@login_required
@require_POST
def news_read_all(request):
    services.mark_read(actor=request.user)
    messages.success(request, _("All news marked as read."))
    return redirect("mailings-news")


# --- the unsubscribe link (no login) ---------------------------------------------------------------


@csrf_exempt  # mail programs post the one-click unsubscribe (RFC 8058) without any cookie or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows one button (mail scanners that open links change nothing); POST unsubscribes,
    from that button or from the mail program's one-click (``List-Unsubscribe=One-Click``)."""
    data = tokens.read(token)
    member = (Member.objects.select_related("user", "entity").filter(pk=data["m"]).first()
              if data and data["k"] in Kind.values else None)
    if member is None:
        return render(request, "mailings/unsubscribe_invalid.html", status=404)
    kind = data["k"]
    with translation.override(member.user.language or member.entity.default_language):
        if request.method == "POST":
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            changed = services.unsubscribe(member_id=member.pk, kind=kind, mailing_id=data.get("g"),
                                           method=UnsubscribeMethod.ONE_CLICK if one_click else UnsubscribeMethod.LINK)
            if one_click:
                return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
            return render(request, "mailings/unsubscribed.html", {
                "kind": Kind(kind).label, "entity": member.entity, "changed": changed})
        return render(request, "mailings/unsubscribe.html", {"kind": Kind(kind).label, "entity": member.entity,
                                                            "email": member.user.email})
