from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import mfa
from .models import ApiToken


class SecondFactorRequired(exceptions.PermissionDenied):
    default_code = "mfa_required"


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token cpg_…`` (or ``Bearer cpg_…``) with a personal API token."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="ignore").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give the keyword and the token, separated by one space.")
            )
        raw = header[1].decode(errors="ignore")
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.is_active or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This API token is unknown, revoked or expired.")
            )
        if mfa.needs_second_factor(token.user):
            # A staff member who never had or has lost TOTP: the token stops working (403, not
            # 401: the token is valid, the account is not allowed to use it yet).
            raise SecondFactorRequired(mfa.api_refusal_message())
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "compagnon.accounts.api_auth.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Personal API token created in your settings, sent as `Token <key>`.",
        }
