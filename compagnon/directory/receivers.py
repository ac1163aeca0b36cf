"""Keep the directory's search columns in step with the member data they are built from.

Django's model signals of the lower apps (members, accounts) are the hook: each receiver asks
``services.refresh_later`` to rewrite the profiles concerned once the transaction commits, so a
change of member data never fails nor waits because of the directory. ``manage.py
refresh_directory`` rewrites everything (after an import that bypassed the signals)."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from compagnon.members.models import Activity, ActivityMembership, Member

from . import services

USER_FIELDS = {"first_name", "last_name", "email", "phone"}


def _member_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.refresh_later([instance.pk])


def _trades_changed(sender, instance, action, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Member):
        services.refresh_later([instance.pk])
    else:  # a trade's members changed from the trade's side
        services.refresh_later(list(pk_set or []))


def _membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        services.refresh_later([instance.member_id])


def _activity_saved(sender, instance, raw=False, **kwargs):
    if raw or kwargs.get("created"):
        return  # a new activity has no member yet: its membership's signal follows
    activity_id = instance.pk

    def members():
        return list(ActivityMembership.objects.filter(activity_id=activity_id).values_list("member_id", flat=True))

    from django.db import transaction

    transaction.on_commit(lambda: services.refresh_profiles(members()))


def _user_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not USER_FIELDS & set(update_fields)):
        return  # a login (last_login) or a password change: nothing the directory shows
    user_id = instance.pk

    def members():
        return list(Member.objects.filter(user_id=user_id).values_list("pk", flat=True))

    from django.db import transaction

    transaction.on_commit(lambda: services.refresh_profiles(members()))


def connect() -> None:
    post_save.connect(_member_saved, sender=Member, dispatch_uid="directory-member-saved")
    m2m_changed.connect(_trades_changed, sender=Member.trades.through, dispatch_uid="directory-member-trades")
    post_save.connect(_membership_changed, sender=ActivityMembership, dispatch_uid="directory-membership-saved")
    post_delete.connect(_membership_changed, sender=ActivityMembership, dispatch_uid="directory-membership-deleted")
    post_save.connect(_activity_saved, sender=Activity, dispatch_uid="directory-activity-saved")
    post_save.connect(_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="directory-user-saved")
