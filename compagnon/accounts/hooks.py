"""What accepting an invitation grants in the contexts above accounts, without accounts importing them.

Accounts sits below members: a member profile is built on a user, so accounts must not import
members. Accepting an invitation with the role "member" still has to create that profile; the
members app registers the function that does it from its ``AppConfig.ready()``::

    from compagnon.accounts import hooks
    hooks.register_member_invitation(member_from_invitation)

A handler is called as ``handler(invitation=…, user=…)`` inside the acceptance's transaction
(after the user exists, before the invitation is marked accepted), so an error rolls the whole
acceptance back. Without a handler (members not installed), a member invitation cannot be
accepted: it fails loudly rather than create a user with nothing behind it.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

MEMBER_INVITATION_HANDLERS: list = []


def register_member_invitation(handler):
    """Add ``handler(*, invitation, user)``; registering the same function twice is a no-op
    (``ready()`` may run more than once in tests)."""
    if handler not in MEMBER_INVITATION_HANDLERS:
        MEMBER_INVITATION_HANDLERS.append(handler)
    return handler


def member_invitation_accepted(*, invitation, user) -> None:
    """Let the registered contexts create what a member invitation grants (the member profile)."""
    if not MEMBER_INVITATION_HANDLERS:
        raise ImproperlyConfigured(
            "No handler for accepted member invitations: is compagnon.members installed?"
        )
    for handler in MEMBER_INVITATION_HANDLERS:
        handler(invitation=invitation, user=user)
