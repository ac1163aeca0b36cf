from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from compagnon.permissions import scope_for


class UserLanguageMiddleware:
    """A logged-in user sees the app in the language saved in their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class RequireStaffMFAMiddleware:
    """Staff roles must enrol TOTP before doing anything else (when MFA_REQUIRED_FOR_STAFF is on).

    Demo accounts are exempt so that trying the demo stays one login away.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_STAFF and self._must_enrol(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_demo:
            return False
        if request.path.startswith(self.ALLOWED_PREFIXES) or request.path.startswith("/api/"):
            return False
        if not (scope_for(user).is_staff_role or user.is_staff):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
