"""A small cooperative with suppliers, and paper invoices entered the way members enter them."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, advisor_of, member_with_activity, staff
from compagnon.ledger.models import EntryLine
from compagnon.purchases import suppliers, workflow

FR_IBAN = "FR7630004000031234567890143"
BE_IBAN = "BE71096123456769"


_shade = iter(range(10_000))


def photo(shade: int | None = None) -> SimpleUploadedFile:
    """A small JPEG; each one different unless ``shade`` is given."""
    n = next(_shade) if shade is None else shade
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (250, 250, 245)).save(out, "JPEG", comment=f"invoice {n}")
    return SimpleUploadedFile("facture.jpg", out.getvalue(), content_type="image/jpeg")


def cooperative(belgian: bool = False) -> dict:
    """An office with two members (Camille, Yanis), their advisor and the entity's accountant, and
    one supplier."""
    office = OfficeFactory(entity__belgian=True) if belgian else OfficeFactory()
    camille, activity = member_with_activity(office)
    yanis, yanis_activity = member_with_activity(office)
    entity = office.entity
    accountant = staff(Role.ACCOUNTANT, entity)
    supplier = suppliers.save_supplier(
        actor=accountant, entity=entity,
        **({"name": "Groothandel Verbeke", "country": "BE", "company_number": "0403019261",
            "vat_number": "BE0403019261", "iban": BE_IBAN, "bic": "GKCCBEBB"} if belgian else
           {"name": "Papeterie Durand", "country": "FR", "company_number": "732829320",
            "vat_number": "FR44732829320", "iban": FR_IBAN, "bic": "BNPAFRPP", "category": "supplies"}))
    return {"office": office, "entity": entity, "camille": camille, "activity": activity, "yanis": yanis,
            "yanis_activity": yanis_activity, "advisor": advisor_of(office), "accountant": accountant,
            "supplier": supplier}


def paper_invoice(coop, *, rows=(("20", "100.00", "20.00"),), category="supplies", kind="invoice",
                  number="F-2026-001", days_ago=3, approve=False, who="camille"):
    member = coop[who]
    activity = coop["activity"] if who == "camille" else coop["yanis_activity"]
    invoice = workflow.enter_paper_invoice(actor=member.user, activity=activity, uploaded_file=photo())
    invoice = workflow.save_details(
        actor=member.user, invoice=invoice, supplier=coop["supplier"], category=category, kind=kind,
        number=number, issue_date=timezone.localdate() - datetime.timedelta(days=days_ago), vat_rows=list(rows))
    if approve:
        invoice = workflow.approve(actor=member.user, invoice=invoice)
    return invoice


def booked(entry) -> set:
    return {(line.account.code, line.debit, line.credit, line.activity_id)
            for line in EntryLine.objects.filter(entry=entry).select_related("account")}
