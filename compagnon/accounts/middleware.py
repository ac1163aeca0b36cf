from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from . import mfa


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

    Pages redirect to the enrolment; the API answers 403 in the API's error envelope (a browser
    session must not read or write through /api/ what the pages refuse). Personal tokens are
    checked by ``api_auth.PersonalTokenAuthentication`` with the same rule (``accounts.mfa``).
    Demo accounts are exempt so that trying the demo stays one login away.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_STAFF and not request.path.startswith(self.ALLOWED_PREFIXES):
            if mfa.needs_second_factor(getattr(request, "user", None)):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "error": {
                                "status": 403,
                                "code": "mfa_required",
                                "message": mfa.api_refusal_message(),
                            }
                        },
                        status=403,
                    )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
