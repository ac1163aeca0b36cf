"""The authentication backends, reading the signed-in user from the shared cache.

Every request of a signed-in person loads their user row (Django's ``get_user`` from the session).
With a shared cache (``core.shared_cache``) the row is kept there for ``USER_CACHE_SECONDS`` and
dropped as soon as the user is saved or deleted — a new password, a deactivation, a changed
language show on the very next request, and the session's password hash is still checked against
the row as Django does. Without a shared cache nothing changes.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models.signals import post_delete, post_save

from compagnon.core.shared_cache import forget, shared_cache

USER_CACHE_SECONDS = 300
_USER_KEY = "auth:user:v1:{}"


class _CachedUser:
    def get_user(self, user_id):
        shared = shared_cache()
        if shared is None:
            return super().get_user(user_id)
        key = _USER_KEY.format(user_id)
        user = shared.get(key)
        if not isinstance(user, get_user_model()) or str(user.pk) != str(user_id):
            user = super().get_user(user_id)  # a fresh row: nothing of a request is on it yet
            if user is None:
                return None
            shared.set(key, user, USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_CachedUser, DjangoModelBackend):
    """Django's backend (passwords, the test client's logins), the user read from the shared cache."""


class AuthenticationBackend(_CachedUser, AllauthBackend):
    """allauth's backend (login by email), the user read from the shared cache."""


def _user_changed(sender, instance, **kwargs) -> None:
    forget(_USER_KEY.format(instance.pk))


post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="cached-user-saved")
post_delete.connect(_user_changed, sender=get_user_model(), dispatch_uid="cached-user-deleted")
