from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compagnon import permissions
from compagnon.core.params import paginate
from compagnon.core.views_helpers import apply_errors

from . import services
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm
from .models import ApiToken, Invitation


@login_required
def invitation_list(request):
    if not request.user.has_perm("accounts.add_invitation"):
        raise PermissionDenied
    where = permissions.invitable(request.user)
    form = InvitationForm(
        request.POST or None,
        offices=where["offices"],
        roles=where["roles"],
        initial={"role": "member", "language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                actor=request.user,
                **form.cleaned_data,
                accept_url_builder=lambda raw: request.build_absolute_uri(
                    reverse("invitation-accept", args=[raw])
                ),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("invitation-list")
    entity_ids = set(where["offices"].values_list("entity_id", flat=True))
    invitations = Invitation.objects.filter(entity_id__in=entity_ids).select_related(
        "office", "invited_by"
    )
    scope = permissions.scope_for(request.user)
    if not scope.is_admin:
        invitations = invitations.filter(office_id__in=scope.advisor_offices)
    page = paginate(request, invitations, 25)
    return render(
        request,
        "accounts/invitation_list.html",
        {"form": form, "page": page},
        status=400 if request.method == "POST" else 200,
    )


def invitation_accept(request, token):
    invitation = services.find_invitation(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(
        request.POST or None,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                raw_token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(form, exc)
            else:
                form.add_error("password1", exc)
        else:
            login(request, user, backend="compagnon.accounts.backends.ModelBackend")
            messages.success(
                request, _("Welcome to %(entity)s!") % {"entity": invitation.entity.name}
            )
            return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def settings_page(request):
    from allauth.mfa.models import Authenticator

    tokens = ApiToken.objects.filter(user=request.user)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = services.create_api_token(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:  # staff without TOTP (accounts.mfa)
            form.add_error(None, str(exc))
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/settings.html",
        {
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
            "has_totp": Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists(),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("settings")
