"""Pages of the directory for the people of the cooperative: the search, a member's page, my
directory profile (choices, preview, showcase switches) and the map (404 outside one's reach)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon.core.params import LitePage, id_param, page_param
from compagnon.core.views_helpers import apply_errors, get_or_404, run_action

from . import access, search, selectors, services
from .forms import ProfileForm, SearchForm, ShowcaseForm

PER_PAGE = 20
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


@login_required
def search_page(request):
    scope = selectors.scope(request.user)
    form = SearchForm(request.GET or None, trades=search.trades())
    reaches = bool(access.reach_entities(scope))
    page, cards, status, criteria, found_count, counted = None, [], 200, None, 0, search.COUNTED
    if reaches:
        try:
            criteria = search.read_criteria(request, scope)
        except ValidationError as exc:
            form.is_valid()
            apply_errors(form, exc)
            status = 400
        else:
            page, found_count, counted = _counted_page(search.search(scope, criteria), page_param(request))
            cards = selectors.result_cards(request.user, page.object_list)
    return render(
        request, "directory/search.html",
        {"form": form, "page": page, "cards": cards, "reaches": reaches, "criteria": criteria,
         "found_count": found_count, "counted": counted},
        status=status,
    )


def _counted_page(found, number: int) -> tuple[LitePage, int, int]:
    """The page of the search (past the end: the first page rather than nothing), how many members
    it found and up to how many it counted (``search.counted_page``)."""
    page = search.counted_page(found, number, PER_PAGE) or search.counted_page(found, 1, PER_PAGE)
    return LitePage(page.number, page.rows, page.has_next), page.found, page.counted


@login_required
def member_page(request, pk):
    card = get_or_404(selectors.member_card, request.user, pk)
    return render(request, "directory/member.html", {"card": card})


def _rows(member, profile, form):
    """One row per field of the profile form: its label, what the member has today, the inputs
    of the directory-only fields, and the choice of who sees it."""
    user = member.user
    current = {
        "trades": ", ".join(t.name for t in member.trades.all()),
        "skills": ", ".join(member.skills or []),
        "languages": ", ".join(member.languages or []),
        "bio": member.bio,
        "place": " ".join(p for p in (member.postcode, member.city) if p),
        "email": user.email,
        "phone": user.phone,
        "activities": "",
    }
    inputs = {
        "headline": ["headline"], "website": ["website"], "zone": ["zone_city", "zone_postcode", "zone_km"],
    }
    return [
        {
            "name": name, "label": label, "current": current.get(name, ""),
            "inputs": [form[i] for i in inputs.get(name, [])], "visibility": form[f"{name}_visibility"],
        }
        for name, label in access.FIELDS
    ]


def _profile_context(request, member, profile, form):
    activities = selectors.held_activities(member)
    switches = []
    for a in activities:
        sc = getattr(a, "showcase", None)
        switches.append({
            "activity": a, "showcase": sc,
            "form": ShowcaseForm(initial={"enabled": bool(sc and sc.enabled), "show_name": sc.show_name if sc else True},
                                 prefix=f"a{a.pk}"),
        })
    return {
        "member": member, "profile": profile, "form": form, "rows": _rows(member, profile, form),
        "previews": selectors.previews(member, profile), "switches": switches,
        "showcases_url": reverse("directory-showcases", args=[member.entity_id]),
        "profile_url": reverse("profile"),
    }


@login_required
def profile_edit(request):
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    profile = services.profile_of(member)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(actor=request.user, member=member, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your directory profile is saved. The previews below show what each one sees."))
                return redirect("directory-profile-edit")
        return render(request, "directory/profile_edit.html", _profile_context(request, member, profile, form), status=400)
    initial = {name: getattr(profile, name) for name in services.EDITABLE}
    initial.update({f"{name}_visibility": profile.visibility(name) for name in access.FIELD_NAMES})
    form = ProfileForm(initial=initial)
    return render(request, "directory/profile_edit.html", _profile_context(request, member, profile, form))


@login_required
@require_POST
def showcase_switch(request, activity_pk):
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    activity = next((a for a in selectors.held_activities(member) if a.pk == activity_pk), None)
    if activity is None:
        raise Http404
    form = ShowcaseForm(request.POST, prefix=f"a{activity.pk}")
    form.is_valid()
    enabled = bool(form.cleaned_data.get("enabled"))
    return run_action(
        request, services.set_showcase, activity=activity, enabled=enabled,
        show_name=bool(form.cleaned_data.get("show_name")), redirect_to="directory-profile-edit",
        success=_("Your showcase page is on.") if enabled else _("Your showcase page is off."),
    )


# --- map ------------------------------------------------------------------------------------------


def tile_settings() -> tuple[str, str]:
    return (
        getattr(settings, "DIRECTORY_TILE_URL", DEFAULT_TILE_URL) or "",
        getattr(settings, "DIRECTORY_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION) or "",
    )


def tile_origin(url: str) -> str:
    """The origin the Content-Security-Policy must allow images from (``{s}`` subdomains: any)."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@login_required
def map_page(request):
    offices = list(selectors.map_offices(request.user))
    if not offices:
        raise Http404
    office_id = id_param(request, "office") or selectors.default_office(request.user)
    office = next((o for o in offices if o.pk == office_id), offices[0])
    tiles, attribution = tile_settings()
    data = selectors.map_features(request.user, office.pk)
    response = render(request, "directory/map.html", {
        "offices": offices, "office": office, "tiles": tiles, "attribution": attribution,
        "data_url": f"{reverse('directory-map-data')}?office={office.pk}", "features": data["features"],
    })
    origin = tile_origin(tiles)
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


@login_required
def map_data(request):
    office_id = id_param(request, "office") or selectors.default_office(request.user)
    return JsonResponse(selectors.map_features(request.user, office_id))
