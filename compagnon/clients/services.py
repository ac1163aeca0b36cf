"""Every state change of clients, their contacts and relationship log.

Keyword-only; one transaction each; permission checked again here (``require``) and audited.
The CSV import of clients is in ``imports.py``; it goes through :func:`check_client` too.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions  # noqa: F401 - registers the rules checked below
from compagnon.audit.services import record
from compagnon.core.services import require, snapshot
from compagnon.jurisdictions.parties import INDIVIDUAL, default_peppol_id, validate_party
from compagnon.members.models import Activity, ActivityStatus

from .models import (
    COMMITMENT_KINDS,
    DOCUMENT_LANGUAGES,
    Client,
    Contact,
    EntryKind,
    RelationshipEntry,
)

CLIENT_FIELDS = [
    "kind",
    "name",
    "email",
    "phone",
    "language",
    "payment_terms_days",
    "street",
    "postcode",
    "city",
    "country",
    "site_street",
    "site_postcode",
    "site_city",
    "company_number",
    "vat_number",
    "peppol_scheme",
    "peppol_id",
    "notes",
]
CONTACT_FIELDS = ["name", "role", "email", "phone", "is_primary"]
MAX_PAYMENT_TERMS_DAYS = 120


# --- who may add clients ---------------------------------------------------------------------


def may_create_client(user, activity: Activity) -> bool:
    """People working in the activity add its clients; so may the entity's administrators, who
    may already change every client of their entity (``clients.change_client``)."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_perm("members.work_in_activity", activity) or user.has_perm(
        "clients.change_client", Client(activity=activity)
    )


def _require_create(actor, activity: Activity) -> None:
    if not may_create_client(actor, activity):
        raise PermissionDenied(_("You are not allowed to do this."))
    if activity.status == ActivityStatus.CLOSED:
        raise ValidationError(
            {"activity": _("This activity is closed: it takes no new clients.")}, code="closed"
        )


# --- the rules a client obeys, whichever door it comes through ------------------------------


def _merge(errors: dict, exc: ValidationError) -> dict:
    return exc.update_error_dict(errors)


def check_client(client: Client, *, derived_peppol: tuple[str, str] | None = None) -> None:
    """Normalise ``client`` in place and check every rule; raise ``ValidationError`` (a dict).

    The HTML form, the API and the CSV import all end here. ``derived_peppol`` is the Peppol id
    the previous identifiers gave: while the client still carries it, it follows the new ones.
    """
    errors: dict = {}
    for name in CLIENT_FIELDS:
        value = getattr(client, name)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
            if name not in ("notes",):
                value = " ".join(value.split())
            setattr(client, name, value)
    try:
        party = validate_party(
            client.country, client.kind, client.company_number, client.vat_number
        )
    except ValidationError as exc:
        errors = _merge(errors, exc)
    else:
        client.country = party["country"]
        client.company_number = party["company_number"]
        client.vat_number = party["vat_number"]
        _check_peppol(client, derived_peppol, errors)
    if client.payment_terms_days is not None and client.payment_terms_days > MAX_PAYMENT_TERMS_DAYS:
        errors = _merge(
            errors,
            ValidationError(
                {
                    "payment_terms_days": _(
                        "Payment terms are at most %(max)s days (the law caps most business terms at 60 days)."
                    )
                    % {"max": MAX_PAYMENT_TERMS_DAYS}
                }
            ),
        )
    try:
        client.full_clean(exclude=["activity", *errors], validate_unique=False)
    except ValidationError as exc:
        errors = _merge(errors, exc)
    if errors:
        raise ValidationError(errors)


def _check_peppol(client: Client, derived: tuple[str, str] | None, errors: dict) -> None:
    if client.kind == INDIVIDUAL:
        client.peppol_scheme = client.peppol_id = ""
        return
    current = (client.peppol_scheme, client.peppol_id)
    if current == ("", "") or (derived and derived != ("", "") and current == derived):
        client.peppol_scheme, client.peppol_id = default_peppol_id(
            client.country, client.company_number, client.vat_number
        )
        return
    if not client.peppol_scheme:
        errors["peppol_scheme"] = [
            ValidationError(_("Enter the scheme of this Peppol identifier, e.g. 0208."))
        ]
    elif not re.fullmatch(r"\d{4}", client.peppol_scheme):
        errors["peppol_scheme"] = [
            ValidationError(_("A Peppol scheme is a 4-digit code, e.g. 0208 or 0009."))
        ]
    if not client.peppol_id:
        errors["peppol_id"] = [
            ValidationError(_("Enter the identifier that goes with this scheme, or clear both."))
        ]


def _audit(actor, action: str, client: Client, message: str, params: dict | None = None, **kw):
    return record(
        actor=actor,
        action=action,
        obj=client,
        message=message,
        params={"name": client.name, **(params or {})},
        activity=client.activity,
        entity=client.activity.entity,
        **kw,
    )


def _locked(client: Client) -> Client:
    return (
        Client.objects.select_for_update(of=("self",))
        .select_related("activity__entity")
        .get(pk=client.pk)
    )


# --- clients --------------------------------------------------------------------------------


@transaction.atomic
def create_client(*, actor, activity: Activity, **fields) -> Client:
    """Add a client to ``activity``. Identifiers are normalised; the Peppol id is prefilled."""
    _require_create(actor, activity)
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    fields.setdefault("country", activity.entity.country)
    fields.setdefault("language", default_language(activity))
    client = Client(activity=activity, **fields)
    check_client(client)
    client.save()
    _audit(actor, "client.created", client, gettext_noop("Client %(name)s added"))
    return client


@transaction.atomic
def update_client(*, actor, client: Client, **fields) -> Client:
    client = _locked(client)
    require(actor, "clients.change_client", client)
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    before = snapshot(client, CLIENT_FIELDS)
    derived = default_peppol_id(client.country, client.company_number, client.vat_number)
    for name, value in fields.items():
        setattr(client, name, value)
    check_client(client, derived_peppol=derived)
    after = snapshot(client, CLIENT_FIELDS)
    if after == before:
        return client
    client.save()
    _audit(
        actor,
        "client.updated",
        client,
        gettext_noop("Details of client %(name)s updated"),
        before=before,
        after=after,
    )
    return client


@transaction.atomic
def archive_client(*, actor, client: Client) -> Client:
    """Hide a client from lists and new documents; its history stays."""
    return _set_archived(actor, client, True)


@transaction.atomic
def unarchive_client(*, actor, client: Client) -> Client:
    return _set_archived(actor, client, False)


def _set_archived(actor, client: Client, archived: bool) -> Client:
    client = _locked(client)
    require(actor, "clients.change_client", client)
    if client.archived == archived:
        return client
    client.archived = archived
    client.save(update_fields=["archived", "updated_at"])
    _audit(
        actor,
        "client.archived" if archived else "client.unarchived",
        client,
        gettext_noop("Client %(name)s archived")
        if archived
        else gettext_noop("Client %(name)s brought back from the archive"),
    )
    return client


def default_language(activity: Activity) -> str:
    codes = [code for code, _label in DOCUMENT_LANGUAGES]
    return activity.document_language if activity.document_language in codes else codes[0]


# --- contacts -------------------------------------------------------------------------------


def _clean_contact(contact: Contact) -> None:
    for name in ("name", "role", "email", "phone"):
        setattr(contact, name, " ".join((getattr(contact, name) or "").split()))
    contact.full_clean(exclude=["client"], validate_constraints=False)


@transaction.atomic
def add_contact(
    *,
    actor,
    client: Client,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
    is_primary: bool = False,
) -> Contact:
    """Add a person to talk to at ``client``. The first contact becomes the main one."""
    client = _locked(client)
    require(actor, "clients.change_client", client)
    contact = Contact(client=client, name=name, role=role, email=email, phone=phone)
    contact.is_primary = is_primary or not client.contacts.exists()
    _clean_contact(contact)
    if contact.is_primary:
        client.contacts.filter(is_primary=True).update(is_primary=False)
    contact.save()
    _audit(
        actor,
        "client.contact_added",
        client,
        gettext_noop("Contact %(contact)s added to client %(name)s"),
        {"contact": contact.name},
    )
    return contact


@transaction.atomic
def update_contact(*, actor, contact: Contact, **fields) -> Contact:
    client = _locked(contact.client)
    require(actor, "clients.change_client", client)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Not contact fields: {sorted(unknown)}")
    contact = Contact.objects.select_for_update().get(pk=contact.pk, client=client)
    before = snapshot(contact, CONTACT_FIELDS)
    for name, value in fields.items():
        setattr(contact, name, value)
    _clean_contact(contact)
    after = snapshot(contact, CONTACT_FIELDS)
    if after == before:
        return contact
    if contact.is_primary:
        client.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    contact.save()
    _audit(
        actor,
        "client.contact_updated",
        client,
        gettext_noop("Contact %(contact)s of client %(name)s updated"),
        {"contact": contact.name},
        before=before,
        after=after,
    )
    return contact


@transaction.atomic
def delete_contact(*, actor, contact: Contact) -> None:
    """Remove a contact. When it was the main one, the oldest remaining contact takes over."""
    client = _locked(contact.client)
    require(actor, "clients.change_client", client)
    contact = Contact.objects.select_for_update().get(pk=contact.pk, client=client)
    was_primary, name = contact.is_primary, contact.name
    contact.delete()
    if was_primary:
        successor = client.contacts.order_by("created_at", "id").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    _audit(
        actor,
        "client.contact_removed",
        client,
        gettext_noop("Contact %(contact)s removed from client %(name)s"),
        {"contact": name},
    )


# --- relationship log -----------------------------------------------------------------------


@transaction.atomic
def add_relationship_entry(
    *,
    actor,
    client: Client,
    kind: str,
    title: str,
    date=None,
    body: str = "",
    due_on=None,
) -> RelationshipEntry:
    """Note a meeting, a commitment (ours or theirs, with its due date) or a reflection."""
    client = _locked(client)
    require(actor, "clients.change_client", client)
    entry = RelationshipEntry(
        client=client,
        kind=kind,
        title=" ".join((title or "").split()),
        body=(body or "").replace("\r\n", "\n").strip(),
        date=date or timezone.localdate(),
        author=actor,
    )
    # A due date only means something for a commitment; for anything else it is dropped.
    entry.due_on = due_on if kind in COMMITMENT_KINDS else None
    entry.full_clean(exclude=["client", "author"], validate_constraints=False)
    entry.save()
    _audit(
        actor,
        "client.relationship_entry_added",
        client,
        # The title and text stay out of the audit log: reflections can be personal.
        gettext_noop("New entry in the relationship log of %(name)s: %(kind)s"),
        {"kind": EntryKind(kind).label},
    )
    return entry


@transaction.atomic
def mark_commitment_done(
    *, actor, entry: RelationshipEntry, done: bool = True
) -> RelationshipEntry:
    client = _locked(entry.client)
    require(actor, "clients.change_client", client)
    entry = RelationshipEntry.objects.select_for_update().get(pk=entry.pk, client=client)
    if not entry.is_commitment:
        raise ValidationError(
            {"done": _("Only commitments are marked done.")}, code="not_a_commitment"
        )
    if entry.done == done:
        return entry
    entry.done = done
    entry.done_at = timezone.now() if done else None
    entry.save(update_fields=["done", "done_at"])
    _audit(
        actor,
        "client.commitment_done" if done else "client.commitment_reopened",
        client,
        gettext_noop("Commitment of %(date)s with %(name)s kept")
        if done
        else gettext_noop("Commitment of %(date)s with %(name)s reopened"),
        {"date": entry.date},
    )
    return entry
