"""State changes of people: invitations, roles, API tokens."""

from __future__ import annotations

import datetime
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.tasks import send_email
from compagnon.permissions import forget_scope, may_invite

from . import hooks
from .models import ApiToken, Invitation, Role, RoleAssignment, User

INVITATION_VALIDITY = timedelta(days=14)


@transaction.atomic
def invite(
    *,
    actor,
    email: str,
    office,
    role: str = "member",
    service: str = "",
    language: str = "fr",
    first_name: str = "",
    last_name: str = "",
    accept_url_builder,
) -> Invitation:
    """Invite someone by email. ``accept_url_builder(raw_token)`` returns the absolute link to send."""
    if not may_invite(actor, office=office, role=role):
        raise PermissionDenied(
            _("You may not invite people as %(role)s in %(office)s.")
            % {"role": role, "office": office}
        )
    email = email.strip().lower()
    if role == Role.SUPPORT and not service:
        raise ValidationError({"service": _("Choose the support service this agent works for.")})
    if role == "member" and User.objects.filter(email=email, member__isnull=False).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    Invitation.objects.filter(
        email=email, accepted_at__isnull=True, entity_id=office.entity_id
    ).update(expires_at=timezone.now())  # a new invitation replaces any pending one
    raw, digest = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        service=service,
        entity_id=office.entity_id,
        office=office,
        language=language,
        invited_by=actor,
        token_hash=digest,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    record(
        actor=actor,
        action="invitation.sent",
        obj=invitation,
        entity=office.entity,
        message=gettext_noop("%(email)s invited as %(role)s to %(office)s"),
        params={"email": email, "role": role, "office": office.name},
    )
    url = accept_url_builder(raw)
    with translation.override(language):
        context = {"invitation": invitation, "url": url, "inviter": actor, "office": office}
        subject = _("You are invited to join %(entity)s on Compagnon") % {
            "entity": office.entity.name
        }
        body = render_to_string("accounts/email/invitation.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(to=[email], subject=subject, body=body))
    return invitation


def find_invitation(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("entity", "office")
        .filter(token_hash=Invitation.hash_token(raw_token))
        .first()
    )


@transaction.atomic
def accept_invitation(*, raw_token: str, password: str, first_name: str, last_name: str) -> User:
    """Create the account (email verified by the link itself) and what the invitation grants."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=Invitation.hash_token(raw_token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("This invitation link is no longer valid. Ask for a new one."))
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = User(
            email=invitation.email,
            first_name=first_name,
            last_name=last_name,
            language=invitation.language,
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if invitation.role == "member":
        # the member profile is made by the members app, above this one (see hooks.py)
        hooks.member_invitation_accepted(invitation=invitation, user=user)
    else:
        RoleAssignment.objects.get_or_create(
            user=user,
            role=invitation.role,
            entity=invitation.entity,
            office=invitation.office if invitation.role == Role.ADVISOR else None,
            service=invitation.service,
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    record(
        actor=user,
        action="invitation.accepted",
        obj=invitation,
        entity=invitation.entity,
        message=gettext_noop("%(email)s accepted the invitation"),
        params={"email": user.email},
    )
    forget_scope(user)
    return user


@transaction.atomic
def create_api_token(
    *, actor, name: str, expires_on: datetime.date | None = None
) -> tuple[ApiToken, str]:
    """Create a personal token; the raw key is returned once and never stored.

    Staff must have enrolled TOTP first when MFA_REQUIRED_FOR_STAFF is on (``accounts.mfa``).
    """
    from . import mfa

    if mfa.needs_second_factor(actor):
        raise PermissionDenied(mfa.token_refusal_message())
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name so you recognise it later.")})
    if expires_on and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": _("The expiry date must be in the future.")})
    raw = ApiToken.new_key()
    expires_at = (
        timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
        if expires_on
        else None
    )
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[4 : 4 + ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(raw),
        expires_at=expires_at,
    )
    record(
        actor=actor,
        action="api_token.created",
        obj=token,
        message=gettext_noop("API token %(name)s created"),
        params={"name": name},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="api_token.revoked",
            obj=token,
            message=gettext_noop("API token %(name)s revoked"),
            params={"name": token.name},
        )
    return token


def remember_language(*, user, language, **_signal) -> None:
    """Receiver of ``core.signals.language_chosen``: keep the UI language in the user's profile."""
    if user.language != language:
        update_own_account(actor=user, language=language)


@transaction.atomic
def update_own_account(*, actor, **fields) -> User:
    """A staff user (without a member profile) edits their name, phone and language."""
    allowed = {"first_name", "last_name", "phone", "language"}
    if set(fields) - allowed:
        raise ValueError(f"Not editable here: {sorted(set(fields) - allowed)}")
    user = User.objects.select_for_update().get(pk=actor.pk)
    for k, v in fields.items():
        setattr(user, k, v)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    record(
        actor=actor,
        action="user.updated",
        obj=user,
        message=gettext_noop("Account details of %(name)s updated"),
        params={"name": str(user)},
    )
    return user
