"""Suppliers of an entity: typed by a member or an accountant, or found again from what an
e-invoice says about its seller. Identifiers are checked with the country's rule (SIREN/SIRET by
Luhn, KBO/BCE by mod 97, EU VAT numbers by their country's format: ``jurisdictions.parties``), the
IBAN and BIC with the rules every SEPA transfer obeys (``payouts.checks``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.jurisdictions import parties
from compagnon.payouts import checks as bank_checks

from . import categories
from . import rules as _rules  # noqa: F401 - registers the rules checked below
from .models import Supplier

FIELDS = ("name", "country", "company_number", "vat_number", "iban", "bic", "street", "postcode", "city",
          "email", "category", "payment_days")


def clean(entity, values: dict) -> dict:
    """The supplier's fields checked and normalised; ValidationError naming each field and rule."""
    out = {k: (values.get(k) if values.get(k) is not None else "") for k in FIELDS}
    for key in ("name", "street", "postcode", "city", "email", "category"):
        out[key] = " ".join(str(out[key]).split())
    errors: dict = {}
    if not out["name"]:
        errors["name"] = [_("Type the supplier's name as on its invoices.")]
    out["name"] = out["name"][:200]
    country = (out["country"] or entity.jurisdiction).strip().upper()
    try:
        ids = parties.validate_party(country, parties.COMPANY, out["company_number"] or "", out["vat_number"] or "")
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors[field] = messages
    else:
        out.update(country=ids["country"], company_number=ids["company_number"][:20],
                   vat_number=ids["vat_number"][:20])
    iban = re.sub(r"\s+", "", out["iban"] or "").upper()
    if iban:
        try:
            out["iban"] = bank_checks.iban(iban)
        except ValidationError as exc:
            errors["iban"] = exc.messages
    else:
        out["iban"] = ""
    bic = (out["bic"] or "").strip()
    if bic:
        try:
            out["bic"] = bank_checks.bic(bic)
        except ValidationError as exc:
            errors["bic"] = exc.messages
    else:
        out["bic"] = ""
    if out["category"] and out["category"] not in categories.BY_KEY:
        errors["category"] = [_("Choose a category from the list.")]
    days = out["payment_days"]
    if days in ("", None):
        out["payment_days"] = None
    else:
        try:
            out["payment_days"] = int(days)
            if not 0 <= out["payment_days"] <= 365:
                raise ValueError
        except (TypeError, ValueError):
            errors["payment_days"] = [_("Give the payment terms in days, from 0 to 365.")]
    if errors:
        raise ValidationError(errors)
    return out


def _duplicate(entity, fields: dict, exclude=None) -> Supplier | None:
    q = Q()
    if fields.get("vat_number"):
        q |= Q(vat_number=fields["vat_number"])
    if fields.get("company_number"):
        q |= Q(company_number=fields["company_number"], country=fields["country"])
    if not q:
        return None
    qs = Supplier.objects.filter(q, entity=entity)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.first()


def _masked(iban: str) -> str:
    return f"{iban[:4]}…{iban[-4:]}" if iban else "—"


@transaction.atomic
def save_supplier(*, actor, entity, supplier: Supplier | None = None, **values) -> Supplier:
    """Create a supplier of ``entity`` (members and bookkeeping staff) or change one (bookkeeping
    staff). A second supplier with the same VAT or company number is refused, naming the first."""
    if supplier is None:
        require(actor, "purchases.add_supplier", entity)
    else:
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        require(actor, "purchases.change_supplier", supplier)
        entity = supplier.entity
    fields = clean(entity, values)
    same = _duplicate(entity, fields, exclude=supplier)
    if same is not None:
        raise ValidationError({"vat_number" if fields["vat_number"] == same.vat_number and fields["vat_number"]
                               else "company_number": [_("%(name)s already has this number among the suppliers.")
                                                       % {"name": same.name}]}, code="duplicate")
    before = {k: getattr(supplier, k) for k in FIELDS} if supplier else None
    target = supplier or Supplier(entity=entity, created_by=actor if getattr(actor, "is_authenticated", False)
                                  else None)
    for key, value in fields.items():
        setattr(target, key, value)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ValidationError({"vat_number": [_("Another supplier with this number was just added.")]}) from None
    params = {"supplier": target.name, "iban": _masked(target.iban)}
    if supplier is None:
        record(actor=actor, action="supplier.created", obj=target, entity=entity, params=params,
               message=gettext_noop("Supplier %(supplier)s added (IBAN %(iban)s)."))
    else:
        after = {k: getattr(target, k) for k in FIELDS}
        if before != after:
            changed_iban = before["iban"] != after["iban"]
            record(actor=actor, action="supplier.changed", obj=target, entity=entity, params=params,
                   before={k: v for k, v in before.items() if after[k] != v},
                   after={k: v for k, v in after.items() if before[k] != v},
                   message=gettext_noop("Supplier %(supplier)s changed; its IBAN is now %(iban)s.")
                   if changed_iban else gettext_noop("Supplier %(supplier)s changed."))
    return target


def find(entity_id: int, *, vat_number: str = "", company_number: str = "", country: str = "",
         name: str = "") -> Supplier | None:
    """The entity's supplier with this VAT number, else this company number, else exactly this
    name (case aside)."""
    vat = re.sub(r"[\s.\-]", "", vat_number or "").upper()
    number = re.sub(r"[\s.\-]", "", company_number or "")
    qs = Supplier.objects.filter(entity_id=entity_id)
    if vat:
        found = qs.filter(vat_number=vat).first()
        if found:
            return found
    if number:
        candidates = [number]
        if len(number) == 14 and country in ("", "FR"):
            candidates.append(number[:9])  # a SIRET names the SIREN's company
        found = qs.filter(company_number__in=candidates).order_by("-company_number").first()
        if found:
            return found
    if name:
        return qs.filter(name__iexact=name.strip()).order_by("pk").first()
    return None


def from_invoice(invoice, *, actor=None) -> Supplier | None:
    """The supplier an e-invoice names, found again or added (with what the invoice says, when it
    passes the identifier rules; else nothing is added and the member picks one)."""
    found = find(invoice.entity_id, vat_number=invoice.supplier_vat_id, company_number=invoice.supplier_company_id,
                 country=invoice.supplier_country, name=invoice.supplier_name)
    if found or not invoice.supplier_name:
        return found
    values = {"name": invoice.supplier_name, "country": invoice.supplier_country or invoice.entity.jurisdiction,
              "company_number": invoice.supplier_company_id if invoice.supplier_company_id_scheme in (
                  "", "0002", "0009", "0208") else "",
              "vat_number": invoice.supplier_vat_id, "iban": invoice.supplier_iban, "bic": invoice.supplier_bic,
              "street": invoice.supplier_street, "postcode": invoice.supplier_postcode, "city": invoice.supplier_city}
    try:
        fields = clean(invoice.entity, values)
    except ValidationError as exc:
        # what breaks its rule is left out (an accountant completes it), the rest is kept
        for field in exc.message_dict:
            values[field] = ""
        try:
            fields = clean(invoice.entity, values)
        except ValidationError:
            return None
    if _duplicate(invoice.entity, fields) is not None:
        return _duplicate(invoice.entity, fields)
    supplier = Supplier.objects.create(entity_id=invoice.entity_id, **fields)
    record(actor=actor, action="supplier.created", obj=supplier, entity=invoice.entity,
           params={"supplier": supplier.name, "iban": _masked(supplier.iban), "number": invoice.number},
           message=gettext_noop("Supplier %(supplier)s added from its e-invoice %(number)s (IBAN %(iban)s)."))
    return supplier
