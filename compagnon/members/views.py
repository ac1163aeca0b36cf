import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from compagnon import permissions
from compagnon.core.params import choice_param, id_param, paginate, text_param
from compagnon.core.views_helpers import apply_errors, get_or_404
from compagnon.organisation.forms import OfficeForm

from . import selectors, services
from .forms import (
    ActivityCreateForm,
    ActivitySettingsForm,
    AddActivityMemberForm,
    AdvisorForm,
    MaturityForm,
    ProfileForm,
    StatusChangeForm,
)
from .models import ActivityMembership, Maturity, Member, MemberStatus
from .panels import member_panels


@login_required
def member_list(request):
    q = text_param(request, "q")
    status = choice_param(request, "status", MemberStatus.values)
    maturity = choice_param(request, "maturity", Maturity.values)
    office_id = id_param(request, "office")
    qs = selectors.member_list(
        request.user, search=q, status=status, office_id=office_id, maturity=maturity
    )
    page = paginate(request, qs, 25)
    context = {
        "page": page,
        "q": q,
        "status": status,
        "maturity": maturity,
        "office_id": office_id,
        "statuses": MemberStatus.choices,
        "maturities": Maturity.choices,
        "offices": permissions.offices(request.user).order_by("name"),
    }
    if request.htmx and request.htmx.target == "member-rows":
        return render(request, "members/_member_rows.html", context)
    return render(request, "members/member_list.html", context)


@login_required
def member_detail(request, pk):
    member = get_or_404(selectors.member_detail, request.user, pk)
    user = request.user
    context = {
        "member": member,
        "memberships": member.activity_memberships.all(),
        "events": selectors.history(user, member=member),
        "can_status": user.has_perm("members.change_member_status", member)
        and member.allowed_transitions,
        "can_maturity": user.has_perm("members.change_member_maturity", member),
        "can_edit": user.has_perm("members.change_member", member),
        "can_advisor": user.has_perm("members.change_member_advisor", member),
        "panels": member_panels(request, member),  # what upper apps add (home: the money)
    }
    if context["can_advisor"]:
        context["advisor_form"] = AdvisorForm(
            office_id=member.office_id, initial={"advisor": member.advisor_id}
        )
    if context["can_status"]:
        context["status_form"] = StatusChangeForm(member=member)
    if context["can_maturity"]:
        context["maturity_form"] = MaturityForm(initial={"maturity": member.maturity})
    return render(request, "members/member_detail.html", context)


@login_required
@require_POST
def member_status(request, pk):
    member = get_or_404(selectors.member_detail, request.user, pk)
    if not request.user.has_perm("members.change_member_status", member):
        raise PermissionDenied
    form = StatusChangeForm(request.POST, member=member)
    if form.is_valid():
        try:
            services.change_member_status(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Status updated."))
            return redirect("member-detail", pk=member.pk)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "memberships": member.activity_memberships.all(),
            "events": selectors.history(request.user, member=member),
            "can_status": True,
            "status_form": form,
            "can_maturity": request.user.has_perm("members.change_member_maturity", member),
            "maturity_form": MaturityForm(initial={"maturity": member.maturity}),
        },
        status=400,
    )


@login_required
@require_POST
def member_maturity(request, pk):
    member = get_or_404(selectors.member_detail, request.user, pk)
    if not request.user.has_perm("members.change_member_maturity", member):
        raise PermissionDenied
    form = MaturityForm(request.POST)
    if form.is_valid():
        services.set_member_maturity(
            actor=request.user, member=member, maturity=form.cleaned_data["maturity"]
        )
        messages.success(request, _("Maturity updated."))
    else:
        messages.error(request, _("Choose a maturity level."))
    return redirect("member-detail", pk=member.pk)


@login_required
@require_POST
def member_advisor(request, pk):
    member = get_or_404(selectors.member_detail, request.user, pk)
    if not request.user.has_perm("members.change_member_advisor", member):
        raise PermissionDenied
    form = AdvisorForm(request.POST, office_id=member.office_id)
    if form.is_valid():
        try:
            services.assign_advisor(
                actor=request.user, member=member, advisor=form.cleaned_data["advisor"]
            )
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    messages.error(request, m)
        else:
            messages.success(request, _("Advisor updated."))
    else:
        messages.error(request, _("Choose an advisor of this member's office."))
    return redirect("member-detail", pk=member.pk)


@login_required
def profile(request):
    """A person edits what they say about themselves. Members also edit their public profile."""
    scope = permissions.scope_for(request.user)
    member = (
        Member.objects.select_related("user").filter(pk=scope.member_id).first()
        if scope.is_member
        else None
    )
    user = request.user
    initial = {f: getattr(user, f) for f in ProfileForm.USER_FIELDS}
    if member:
        initial.update(
            {f: getattr(member, f) for f in ProfileForm.MEMBER_FIELDS},
            trades=list(member.trades.all()),
        )
    form = ProfileForm(request.POST or None, initial=initial)
    if not member:
        for f in [*ProfileForm.MEMBER_FIELDS, "trades"]:
            del form.fields[f]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user_fields = {f: data[f] for f in ProfileForm.USER_FIELDS}
        try:
            if member:
                services.update_member_profile(
                    actor=user,
                    member=member,
                    user_fields=user_fields,
                    profile_fields={f: data[f] for f in ProfileForm.MEMBER_FIELDS},
                    trades=data["trades"],
                )
            else:
                from compagnon.accounts.services import update_own_account

                update_own_account(actor=user, **user_fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    return render(
        request,
        "members/profile.html",
        {"form": form, "member": member},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def activity_list(request):
    q = text_param(request, "q")
    page = paginate(request, selectors.activity_list(request.user, search=q), 25)
    return render(request, "members/activity_list.html", {"page": page, "q": q})


@login_required
def activity_detail(request, pk):
    activity = get_or_404(selectors.activity_detail, request.user, pk)
    can_manage = request.user.has_perm("members.manage_activity_members", activity)
    context = {
        "activity": activity,
        "memberships": activity.memberships.all(),
        "events": selectors.history(request.user, activity=activity),
        "can_change": request.user.has_perm("members.change_activity", activity),
        "can_manage": can_manage,
    }
    if can_manage:
        context["add_form"] = AddActivityMemberForm(entity_id=activity.entity_id)
    return render(request, "members/activity_detail.html", context)


@login_required
@require_GET
def activity_logo(request, pk):
    """An activity's logo, for those who may see the activity. Files are never linked directly
    (a private bucket has no address a browser may open); ``Activity.logo_url`` versions the
    address, so the browser keeps the image a day."""
    activity = get_or_404(permissions.activities(request.user).only("pk", "logo").get, pk=pk)
    if not activity.logo:
        raise Http404
    try:
        handle = activity.logo.open("rb")
    except OSError:
        raise Http404 from None
    kind = mimetypes.guess_type(activity.logo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=kind)
    patch_cache_control(response, private=True, max_age=86400)
    return response


@login_required
def activity_create(request):
    scope = permissions.scope_for(request.user)
    if not request.user.has_perm("members.add_activity"):
        raise PermissionDenied(_("Only members still in the cooperative can open an activity."))
    form = ActivityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = Member.objects.select_related("entity", "user").get(pk=scope.member_id)
        try:
            activity = services.create_activity(
                actor=request.user, member=member, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Activity opened. Now give it your brand."))
            return redirect("activity-settings", pk=activity.pk)
    return render(
        request,
        "members/activity_create.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def activity_settings(request, pk):
    activity = get_or_404(selectors.activity_detail, request.user, pk)
    if not request.user.has_perm("members.change_activity", activity):
        raise PermissionDenied(_("Only the holders of this activity can change its settings."))
    form = ActivitySettingsForm(request.POST or None, request.FILES or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = data.pop("logo", None)
        if logo is False:
            data["logo"] = False
        elif logo and logo is not activity.logo and hasattr(logo, "content_type"):
            data["logo"] = logo
        try:
            services.update_activity(actor=request.user, activity=activity, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("activity-settings", pk=activity.pk)
    activity.refresh_from_db()
    return render(
        request,
        "members/activity_settings.html",
        {"form": form, "activity": activity},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def activity_add_member(request, pk):
    activity = get_or_404(selectors.activity_detail, request.user, pk)
    if not request.user.has_perm("members.manage_activity_members", activity):
        raise PermissionDenied
    form = AddActivityMemberForm(request.POST, entity_id=activity.entity_id)
    if form.is_valid():
        try:
            services.add_activity_member(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            for msgs in exc.message_dict.values():
                for m in msgs:
                    messages.error(request, m)
        else:
            messages.success(
                request,
                _("%(name)s now works in this activity.") % {"name": form.cleaned_data["member"]},
            )
    else:
        for field, errors in form.errors.items():
            for e in errors:
                messages.error(
                    request, f"{form.fields[field].label}: {e}" if field in form.fields else e
                )
    return redirect("activity-detail", pk=activity.pk)


@login_required
@require_POST
def activity_remove_member(request, pk, membership_pk):
    activity = get_or_404(selectors.activity_detail, request.user, pk)
    membership = get_or_404(
        ActivityMembership.objects.select_related("member__user").get,
        pk=membership_pk,
        activity=activity,
    )
    if not request.user.has_perm("members.manage_activity_members", activity):
        raise PermissionDenied
    try:
        services.remove_activity_member(actor=request.user, membership=membership)
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(
            request, _("%(name)s no longer works in this activity.") % {"name": membership.member}
        )
    return redirect("activity-detail", pk=activity.pk)


@login_required
def entity_detail(request, pk):
    """An entity with its offices and how many members each has (not those who left).

    Lives here, above organisation, because it combines both contexts."""
    entity = get_or_404(permissions.entities(request.user).get, pk=pk)
    offices = (
        permissions.offices(request.user)
        .filter(entity=entity)
        .annotate(n_members=Count("members", filter=~Q(members__status=MemberStatus.LEFT)))
    )
    can_change = request.user.has_perm("organisation.change_entity", entity)
    return render(
        request,
        "organisation/entity_detail.html",
        {
            "entity": entity,
            "offices": offices,
            "can_change": can_change,
            "office_form": OfficeForm() if can_change else None,
        },
    )
