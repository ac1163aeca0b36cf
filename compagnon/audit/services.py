"""The one way to write the audit log. Call it inside the service's transaction."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

from .models import AuditEvent


def _changes(before: dict | None, after: dict | None) -> dict:
    if not before or not after:
        return {}
    return {
        k: [str(before.get(k)), str(after.get(k))] for k in after if before.get(k) != after.get(k)
    }


def _param(value):
    """Plain values are kept; lazy translations keep their msgid and dates their ISO form, so each
    reader gets their own language and date format."""
    if isinstance(value, datetime.datetime):  # a moment is recorded by its local day
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return {"date": value.date().isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Promise):
        args = getattr(value, "_args", ())
        if len(args) == 2:  # pgettext_lazy(context, message)
            return {"msgid": args[1], "context": args[0]}
        if len(args) == 1:
            return {"msgid": args[0]}
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    message: str,
    params: dict | None = None,
    entity=None,
    member=None,
    activity=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Record an audit event. ``message`` must be a ``gettext_noop`` msgid using ``%(name)s`` params."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        message=message,
        params={k: _param(v) for k, v in (params or {}).items()},
        changes=_changes(before, after),
        entity=entity,
        member=member,
        activity=activity,
    )
