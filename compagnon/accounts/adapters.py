from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from compagnon.core.client_ip import client_ip

from .demo_guard import is_demo_user, login_refusal_message


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up alone: people arrive through an invitation (see accounts.services)."""

    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins are counted per account *and* client address (decision 0008).

        allauth counts ``login_failed`` per address (10/min) and per this key (5 per 5 min). Its
        default key is the email alone: anyone could then lock a member out at will by typing
        wrong passwords for their email. With the address in the key, hammering an email from one
        address blocks that address for that email only; the owner logs in from elsewhere.
        """
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{self.get_client_ip(request)}"

    def get_client_ip(self, request):
        """Rate limits count per client address: the app's one rule (core/client_ip.py), which
        reads X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies of ours."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_login(self, request, user, **kwargs):
        """Every allauth login path: demo accounts never log in in production."""
        if settings.PRODUCTION and is_demo_user(user):
            messages.error(request, login_refusal_message())
            return redirect(settings.LOGIN_URL)
        return super().pre_login(request, user, **kwargs)
