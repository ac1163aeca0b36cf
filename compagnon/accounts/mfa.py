"""Mandatory two-factor authentication for staff: one rule for pages, the API and tokens.

When ``MFA_REQUIRED_FOR_STAFF`` is on (the default in production), a user holding a staff role
(advisor, support agent, accountant, administrator) or Django admin access must have a TOTP
authenticator before doing anything: pages redirect to the enrolment, the API (session or personal
token) answers 403 with :func:`api_refusal_message`, and personal tokens cannot be created.
Demo accounts are exempt so that trying the demo stays one login away (they never exist in
production: see ``compagnon.accounts.demo_guard``).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from compagnon.permissions import scope_for


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_staff_user(user) -> bool:
    return bool(user.is_staff or scope_for(user).is_staff_role)


def needs_second_factor(user) -> bool:
    """True when this user may do nothing until they enrol TOTP."""
    if not settings.MFA_REQUIRED_FOR_STAFF:
        return False
    if user is None or not user.is_authenticated or user.is_demo:
        return False
    return is_staff_user(user) and not has_totp(user)


def api_refusal_message() -> str:
    return _(
        "Two-factor authentication is required for staff accounts: set up an authenticator app "
        "on the “Two-factor authentication” page (/accounts/2fa/totp/activate/), then try again."
    )


def token_refusal_message() -> str:
    return _(
        "Set up two-factor authentication (an authenticator app) before creating an API token: "
        "staff accounts need it."
    )
