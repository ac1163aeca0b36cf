"""Factories and files for the purchases tests: the official example invoices, a Factur-X PDF
built from one of them, and supplier invoices stored directly (for lists and permissions)."""

import hashlib
import io
from decimal import Decimal
from pathlib import Path

import factory
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from compagnon.core.tests.factories import ActivityFactory
from compagnon.purchases.models import (
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceKind,
    SupplierInvoiceLine,
)

EXAMPLES = Path(settings.EINVOICE_RULES_DIR).parent / "examples"


def example(name: str) -> bytes:
    """An official example, e.g. ``example("peppol/base-example.xml")``."""
    return (EXAMPLES / name).read_bytes()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    content_type = "application/pdf" if name.endswith(".pdf") else "application/xml"
    return SimpleUploadedFile(name, data, content_type=content_type)


def plain_pdf() -> bytes:
    """A one-page PDF with nothing embedded (pypdf: no fonts to load, fast)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_factur_x_cache: dict[str, bytes] = {}


def factur_x_pdf(xml_name: str = "facturx/factur-x-1.xml") -> bytes:
    """A Factur-X PDF: a plain PDF with an official Factur-X example embedded as factur-x.xml."""
    if xml_name not in _factur_x_cache:
        import facturx

        _factur_x_cache[xml_name] = facturx.generate_from_binary(
            plain_pdf(), example(xml_name), flavor="factur-x", level="en16931", check_xsd=False
        )
    return _factur_x_cache[xml_name]


class SupplierInvoiceFactory(DjangoModelFactory):
    """A draft read from a UBL file that passed the rules (the file is a stand-in)."""

    class Meta:
        model = SupplierInvoice

    activity = factory.SubFactory(ActivityFactory)
    entity = factory.LazyAttribute(lambda o: o.activity.entity)
    kind = SupplierInvoiceKind.INVOICE
    original_name = factory.Sequence(lambda n: f"invoice-{n}.xml")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"file {n}".encode()).hexdigest())
    file = factory.LazyAttribute(lambda o: ContentFile(b"<Invoice/>", name=o.original_name))
    file_size = 10
    syntax = "ubl"
    number = factory.Sequence(lambda n: f"F-{n:05d}")
    issue_date = factory.Faker("date_this_year")
    currency = "EUR"
    supplier_name = factory.Sequence(lambda n: f"Supplier {n}")
    tax_exclusive = Decimal("100.00")
    tax_total = Decimal("21.00")
    tax_inclusive = Decimal("121.00")
    payable = Decimal("121.00")
    validation_passed = True
    validation_report = factory.LazyFunction(
        lambda: {"syntax": "ubl", "rule_sets": ["CEN-EN16931-UBL"], "passed": True, "fired": []}
    )


class SupplierInvoiceLineFactory(DjangoModelFactory):
    class Meta:
        model = SupplierInvoiceLine

    invoice = factory.SubFactory(SupplierInvoiceFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = "Potting soil"
    quantity = Decimal("2")
    unit_price = Decimal("50")
    net_amount = Decimal("100.00")
    vat_category = "S"
    vat_rate = Decimal("21")


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = SupplierInvoiceAttachment

    invoice = factory.SubFactory(SupplierInvoiceFactory)
    position = 1
    filename = "timesheet.pdf"
    mime_type = "application/pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(b"%PDF-1.4 timesheet", name=o.filename))
    size = 18


def read_download(response) -> bytes:
    """The body of a FileResponse. Consuming it closes the file (the test client wraps it so);
    calling response.close() again would send request_finished outside the client, which closes
    the database connection in the middle of the test's transaction on PostgreSQL."""
    return b"".join(response.streaming_content)
