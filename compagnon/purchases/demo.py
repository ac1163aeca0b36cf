"""Demo supplier invoices: a nursery's Factur-X and a Belgian wholesaler's Peppol UBL, received
by demo activities the way a member receives them (through the service, validation included),
then suppliers and paper invoices in every state of the workflow (``seed_demo_workflow``)."""

from __future__ import annotations

import copy
import logging

from django.core.exceptions import ValidationError

from compagnon.core.demo import siren_from

logger = logging.getLogger(__name__)


def _as_supplier_invoice(snapshot: dict, *, number: str, supplier: dict, buyer_entity, activity) -> dict:
    """A demo document turned around: the same lines, sold by ``supplier`` to the cooperative."""
    s = copy.deepcopy(snapshot)
    s["number"] = number
    s["seller"] = {**s["seller"], **supplier}
    s["buyer"] = {
        **s["buyer"], "name": buyer_entity.legal_name, "kind": "company", "country": buyer_entity.country,
        "street": buyer_entity.street, "postcode": buyer_entity.postcode, "city": buyer_entity.city,
        "address": buyer_entity.address_lines, "company_number": buyer_entity.company_number,
        "vat_number": buyer_entity.vat_number, "email": buyer_entity.email,
        "endpoint_scheme": "0208" if buyer_entity.country == "BE" else "0002",
        "endpoint_id": buyer_entity.company_number,
    }
    s["references"] = {**s["references"], "buyer": activity.name[:60], "quote": "", "deposits": []}
    s["activity"] = {**s["activity"], "name": supplier["trade_name"], "logo": ""}
    return s


def seed_demo_supplier_invoices(activities) -> int:
    from compagnon.einvoice import cii, facturx, ubl
    from compagnon.sales.models import Document, Kind, State
    from compagnon.sales.pdf import render_pdf

    from .services import receive_supplier_invoice

    received = 0
    for activity in activities:
        source = (Document.objects.filter(activity=activity, kind=Kind.INVOICE, state=State.ISSUED)
                  .exclude(frozen={}).order_by("id").first())
        holder = activity.memberships.filter(role="holder").select_related("member__user").first()
        if source is None or holder is None:
            continue
        entity = activity.entity
        if entity.jurisdiction == "FR":
            number = siren_from(44100000 + activity.pk)
            supplier = {"name": "Pépinière du Val", "legal_name": "Pépinière du Val SARL", "trade_name": "Pépinière du Val",
                        "company_number": number, "company_number_raw": number,
                        "vat_number": "FR" + __import__("stdnum.fr.siren", fromlist=["to_tva"]).to_tva(number),
                        "street": "3 route de Clisson", "postcode": "44120", "city": "Vertou", "country": "FR",
                        "email": "factures@pepiniere-du-val.example", "endpoint_scheme": "0002", "endpoint_id": number,
                        "iban": "FR7630004000031234567890143", "bic": "BNPAFRPP"}
            snap = _as_supplier_invoice(source.frozen, number=f"PV-{source.issue_date.year}-0412", supplier=supplier,
                                        buyer_entity=entity, activity=activity)
            data = facturx.embed(render_pdf(snap), cii.build(snap), lang="fr")
            name = f"PV-{source.issue_date.year}-0412.pdf"
        else:
            supplier = {"name": "Groothandel Verbeke", "legal_name": "Groothandel Verbeke BV",
                        "trade_name": "Groothandel Verbeke", "company_number": "0403019261",
                        "company_number_raw": "0403019261", "vat_number": "BE0403019261",
                        "street": "Industrieweg 44", "postcode": "8800", "city": "Roeselare", "country": "BE",
                        "email": "facturen@verbeke.example", "endpoint_scheme": "0208", "endpoint_id": "0403019261",
                        "iban": "BE71096123456769", "bic": "GKCCBEBB"}
            snap = _as_supplier_invoice(source.frozen, number=f"VB{source.issue_date.year}/1187", supplier=supplier,
                                        buyer_entity=entity, activity=activity)
            data = ubl.build(snap)
            name = f"VB{source.issue_date.year}-1187.xml"
        receive_supplier_invoice(actor=holder.member.user, activity=activity, data=data, filename=name)
        received += 1
    seed_demo_workflow(activities)
    return received


def _receipt_image(lines: list[str]) -> bytes:
    """A small photographed-looking paper invoice (a JPEG with its text), for the demo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 40 + 28 * len(lines)), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((24, 20 + 28 * i), line, fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _paper(member, activity, supplier, rate: str, *, number: str, category: str, net: str, issue_date,
           approve: bool = False):
    """A paper invoice photographed, completed (and approved) by the member, as on the phone."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import workflow

    net_d = Decimal(net)
    vat = (net_d * Decimal(rate) / 100).quantize(Decimal("0.01"))
    image = _receipt_image([supplier.name, f"Facture {number}", f"Total HT {net}", f"TVA {rate} % {vat}",
                            f"Total TTC {net_d + vat}"])
    invoice = workflow.enter_paper_invoice(actor=member, activity=activity, uploaded_file=SimpleUploadedFile(
        f"{number}.jpg", image, content_type="image/jpeg"))
    invoice = workflow.save_details(actor=member, invoice=invoice, supplier=supplier, category=category,
                                    number=number, issue_date=issue_date, vat_rows=[(rate, net, str(vat))])
    return workflow.approve(actor=member, invoice=invoice) if approve else invoice


def seed_demo_workflow(activities) -> dict:
    """Suppliers and supplier invoices in every state for the demo activities: the received
    e-invoices approved, paper invoices approved, awaiting the second approval (a laptop, a fixed
    asset), refused with a reason, still to complete, and one in a payment batch."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from stdnum.fr.siren import to_tva

    from compagnon.accounts.models import Role, RoleAssignment

    from . import suppliers, workflow
    from .models import SupplierInvoice

    made = {"suppliers": 0, "invoices": 0}
    today = timezone.localdate()
    for activity in activities:
        entity = activity.entity
        holder = activity.memberships.filter(role="holder").select_related("member__user").first()
        accountant = RoleAssignment.objects.filter(entity=entity, role=Role.ACCOUNTANT).select_related("user").first()
        if holder is None or accountant is None:
            continue
        member, accountant = holder.member.user, accountant.user
        belgian = entity.jurisdiction == "BE"
        supplier = suppliers.find(entity.pk, name="Imprimerie Atlantique" if not belgian else "Drukkerij Brugge")
        if supplier is None:
            supplier = suppliers.save_supplier(
                actor=accountant, entity=entity, **(
                    {"name": "Drukkerij Brugge", "country": "BE", "company_number": "0202239951",
                     "vat_number": "BE0202239951", "iban": "BE68539007547034", "bic": "GKCCBEBB", "city": "Brugge",
                     "category": "advertising", "payment_days": 30} if belgian else
                    {"name": "Imprimerie Atlantique", "country": "FR", "company_number": siren_from(44200017),
                     "vat_number": "FR" + to_tva(siren_from(44200017)), "iban": "FR7630004000031234567890143", "bic": "BNPAFRPP",
                     "city": "Saint-Herblain", "category": "advertising", "payment_days": 30}))
            made["suppliers"] += 1
        rate = "21" if belgian else "20"
        for invoice in SupplierInvoice.objects.filter(activity=activity, state="draft", source="einvoice"):
            if invoice.supplier_id is None:
                invoice = workflow.save_details(actor=member, invoice=invoice, supplier=supplier, category="supplies")
            elif not invoice.category:
                invoice = workflow.save_details(actor=member, invoice=invoice, category="supplies")
            try:
                workflow.approve(actor=member, invoice=invoice)
            except ValidationError as exc:  # a demo e-invoice that needs a look stays to check
                logger.info("demo supplier invoice %s left to check: %s", invoice.pk, exc.messages)

        def paper(number, category, net, days, *, approve=False, ctx=(member, activity, supplier, rate)):
            made["invoices"] += 1
            return _paper(*ctx, number=number, category=category, net=net, issue_date=today - datetime.timedelta(
                days=days), approve=approve)

        flyers = paper(f"IA-{today.year}-0311", "advertising", "180.00", 35, approve=True)
        paper(f"IA-{today.year}-0342", "advertising", "90.00", 12, approve=True)
        paper(f"IA-{today.year}-0350", "computers", "1250.00", 5, approve=True)  # awaits the second approval
        refused = paper(f"IA-{today.year}-0356", "supplies", "1400.00", 4, approve=True)
        workflow.refuse(actor=accountant, invoice=refused,
                        reason="This is the quote, not the invoice: add the invoice the printer sent after delivery.")
        workflow.enter_paper_invoice(actor=member, activity=activity, uploaded_file=SimpleUploadedFile(
            "to-complete.jpg", _receipt_image([supplier.name, "Facture", "..."]), content_type="image/jpeg"))
        made["invoices"] += 1
        from compagnon.banking.models import BankAccount
        from compagnon.payouts import services as payouts

        account = BankAccount.objects.filter(entity=entity).order_by("id").first()
        if account is not None:
            try:
                batch = payouts.create_batch(actor=accountant, account=account,
                                             requested_execution_date=today + datetime.timedelta(days=1))
                workflow.add_to_batch(actor=accountant, batch=batch, invoices=[flyers])
            except ValidationError as exc:  # an account the demo cannot pay from: the invoice stays to pay
                logger.info("demo payment batch not prepared: %s", exc.messages)
    return made
