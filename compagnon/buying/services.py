"""Writes of the supplier base: negotiated terms (staff), ratings and comments (members), hiding an
abusive comment (staff). Keyword-only; one transaction each; the permission checked again here;
audited."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon import permissions
from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.purchases.models import Supplier

from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import SupplierRating, SupplierTerms

TERMS_FIELDS = ("discount_percent", "conditions", "contact_name", "contact_email", "contact_phone", "valid_from",
                "valid_until")
MAX_COMMENT = 2000


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def clean_terms(values: dict) -> dict:
    """The terms checked; a ValidationError names each field and its rule."""
    errors: dict = {}
    out = {
        "conditions": str(values.get("conditions") or "").strip()[:4000],
        "contact_name": _text(values.get("contact_name"), 120),
        "contact_email": _text(values.get("contact_email"), 254),
        "contact_phone": _text(values.get("contact_phone"), 40),
        "valid_from": values.get("valid_from") or None,
        "valid_until": values.get("valid_until") or None,
    }
    raw = values.get("discount_percent")
    if raw in (None, ""):
        out["discount_percent"] = None
    else:
        try:
            discount = Decimal(str(raw).replace(",", "."))
        except (InvalidOperation, ValueError):
            discount = Decimal("-1")
        if not discount.is_finite() or not Decimal("0") <= discount <= Decimal("100") or discount != discount.quantize(
                Decimal("0.01")):
            errors["discount_percent"] = [_("Enter a discount from 0 to 100, with two decimals at most.")]
        else:
            out["discount_percent"] = discount
    if out["contact_email"]:
        try:
            validate_email(out["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid email address, for example name@example.com.")]
    for key in ("valid_from", "valid_until"):
        if out[key] is not None and not isinstance(out[key], datetime.date):
            errors[key] = [_("Enter a date.")]
    if not errors and out["valid_from"] and out["valid_until"] and out["valid_until"] < out["valid_from"]:
        errors["valid_until"] = [_("The end of validity cannot be before its start.")]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_terms(*, actor, supplier: Supplier, **values) -> SupplierTerms:
    """Create or change the negotiated terms of ``supplier`` (the entity's staff)."""
    supplier = Supplier.objects.select_for_update().select_related("entity").get(pk=supplier.pk)
    require(actor, "buying.manage_terms", supplier)
    fields = clean_terms(values)
    terms = SupplierTerms.objects.filter(supplier=supplier).first()
    before = {k: getattr(terms, k) for k in TERMS_FIELDS} if terms else {}
    terms = terms or SupplierTerms(supplier=supplier)
    for key, value in fields.items():
        setattr(terms, key, value)
    terms.updated_by = actor
    terms.save()
    after = {k: getattr(terms, k) for k in TERMS_FIELDS}
    if before != after:
        record(actor=actor, action="buying.terms_saved", obj=terms, entity=supplier.entity,
               message=gettext_noop("Negotiated terms of %(supplier)s saved"), params={"supplier": supplier.name},
               before={k: str(v) for k, v in before.items() if after.get(k) != v} or None,
               after={k: str(v) for k, v in after.items() if before.get(k) != v})
    return terms


@transaction.atomic
def rate(*, actor, supplier: Supplier, stars, comment: str = "") -> SupplierRating:
    """The member's rating of ``supplier`` (1 to 5) and comment; a second call changes it. A
    changed comment is shown again even if staff had hidden the previous one."""
    require(actor, "buying.rate_supplier", supplier)
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Give from 1 to 5 stars.")})
    comment = str(comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("Keep the comment under %(max)s characters.") % {"max": MAX_COMMENT}})
    member_id = permissions.scope_for(actor).member_id
    existing = SupplierRating.objects.select_for_update().filter(supplier=supplier, member_id=member_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                r = SupplierRating.objects.create(supplier=supplier, member_id=member_id, stars=stars, comment=comment)
        except IntegrityError:  # the same member, twice at once: the second call changes the first
            existing = SupplierRating.objects.select_for_update().get(supplier=supplier, member_id=member_id)
        else:
            record(actor=actor, action="buying.rated", obj=r, entity=supplier.entity,
                   message=gettext_noop("%(supplier)s rated %(stars)s/5"),
                   params={"supplier": supplier.name, "stars": stars})
            return r
    if existing.comment != comment:
        existing.hidden, existing.hidden_by = False, None
    existing.stars, existing.comment = stars, comment
    existing.save()
    record(actor=actor, action="buying.rated", obj=existing, entity=supplier.entity,
           message=gettext_noop("%(supplier)s rated %(stars)s/5"), params={"supplier": supplier.name, "stars": stars})
    return existing


@transaction.atomic
def set_hidden(*, actor, rating: SupplierRating, hidden: bool) -> SupplierRating:
    """Hide an abusive comment (or show it again): the entity's staff. The stars still count."""
    r = SupplierRating.objects.select_for_update(of=("self",)).select_related("supplier__entity").get(pk=rating.pk)
    require(actor, "buying.moderate", r.supplier)
    if r.hidden == hidden:
        return r
    r.hidden, r.hidden_by = hidden, actor if hidden else None
    r.save(update_fields=["hidden", "hidden_by", "updated_at"])
    record(actor=actor, action="buying.comment_hidden" if hidden else "buying.comment_shown", obj=r,
           entity=r.supplier.entity, params={"supplier": r.supplier.name},
           message=gettext_noop("A comment on %(supplier)s hidden") if hidden
           else gettext_noop("A comment on %(supplier)s shown again"))
    return r
