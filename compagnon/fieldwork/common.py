"""Small helpers shared by the field-service services: absolute links, emails after commit,
notifications in each reader's language, geocoding of saved addresses, the audit axes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from compagnon.audit.services import record

logger = logging.getLogger(__name__)


def base_url() -> str:
    return (getattr(settings, "PORTAL_BASE_URL", "") or "http://localhost:8000").rstrip("/")


def absolute(name: str, *args) -> str:
    return base_url() + reverse(name, args=args)


def email_after_commit(*, to: str, language: str, subject, template: str, context: dict) -> None:
    """Render ``template`` (plain text) and ``subject`` (a callable, called then) in ``language``
    and send the email once the transaction commits."""
    if not to:
        return
    with translation.override(language or "fr"):
        body = render_to_string(template, context)
        subject_text = str(subject() if callable(subject) else subject)

    def send():
        from compagnon.core.tasks import send_email

        send_email.enqueue(to=[to], subject=subject_text, body=body)

    transaction.on_commit(send)


def locate(obj) -> None:
    """Fill ``latitude``/``longitude`` of an address-bearing object from its address through
    ``compagnon.geo.locate`` (None when the address is unknown: the position stays empty)."""
    if not obj.postcode and not obj.city:
        obj.latitude = obj.longitude = None
        return
    from compagnon import geo

    try:
        found = geo.locate(
            postcode=obj.postcode, city=obj.city, country=obj.country, street=obj.street
        )
    except Exception:  # a geocoder that fails must never refuse the saving of a request
        logger.exception("geocoding failed for %s", obj.__class__.__name__)
        found = None
    obj.latitude, obj.longitude = found if found else (None, None)


def audit(
    *,
    actor,
    action: str,
    obj,
    message: str,
    params=None,
    entity=None,
    activity=None,
    member=None,
    **kw,
):
    return record(
        actor=actor,
        action=action,
        obj=obj,
        message=message,
        params=params or {},
        entity=entity,
        activity=activity,
        member=member,
        **kw,
    )
