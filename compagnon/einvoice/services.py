"""E-invoices of issued documents: the check that allows issuing, archiving, downloads, sending.

Formats: Belgian entities default to Peppol BIS 3.0 (UBL), French entities to Factur-X (CII in the
PDF/A-3). Both formats can be downloaded for any issued invoice or credit note; they are made from
the frozen snapshot, so a download months later is the same document.

Which rule sets apply: EN 16931 for UBL, plus Peppol BIS 3.0 when the buyer can be reached over
Peppol; EN 16931 and Factur-X EN16931 for CII, plus the French reform's BR-FR rules for domestic
B2B documents of a French entity (validation.french_rules_apply). See docs/decisions/0006-einvoice-formats-and-rules.md.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require

from . import explain, validation
from .models import Channel, EInvoice, Format, Transmission, TransmissionStatus

LEGAL_KINDS = {"invoice", "deposit", "credit_note"}
CONTENT_TYPES = {Format.UBL: "application/xml", Format.CII: "application/xml", Format.FACTURX: "application/pdf"}


def default_format(jurisdiction: str) -> str:
    return Format.UBL if jurisdiction == "BE" else Format.FACTURX


def syntax_of(fmt: str) -> str:
    return "ubl" if fmt == Format.UBL else "cii"


def peppol_reachable(snapshot: dict) -> bool:
    """A business buyer with a Peppol participant id (not an email address)."""
    buyer = snapshot.get("buyer", {})
    return bool(buyer.get("kind") == "company" and buyer.get("endpoint_id") and buyer.get("endpoint_scheme") not in ("", "EM"))


def rule_sets_for(snapshot: dict, syntax: str) -> list[str]:
    french = validation.french_rules_apply(snapshot)  # domestic B2B only (decision 0006)
    return validation.default_rule_sets(syntax, french=french, peppol=peppol_reachable(snapshot))


def build(snapshot: dict, syntax: str, *, pdf: bytes | None = None, pdf_name: str = "") -> bytes:
    if syntax == "ubl":
        from . import ubl

        return ubl.build(snapshot, pdf=pdf, pdf_name=pdf_name)
    from . import cii

    return cii.build(snapshot)


def check(snapshot: dict, fmt: str) -> validation.Report:
    """Validate the document's default e-invoice; refuse with the failing rules in plain words."""
    syntax = syntax_of(fmt)
    xml = build(snapshot, syntax)
    report = validation.validate(xml, rule_sets_for(snapshot, syntax), skip_unavailable=True)
    if not report.passed:
        raise ValidationError(explain.problems(report.errors))
    return report


def rule_sets_to_prepare(document) -> list[str]:
    """Every rule set the document's e-invoice may be checked against (Peppol or not)."""
    fmt = default_format(document.entity.jurisdiction)
    syntax = syntax_of(fmt)
    french = document.entity.jurisdiction == "FR"
    return validation.default_rule_sets(syntax, french=french, peppol=True)


def prepare_for_issue(document) -> None:
    """Issue preparation step (``sales.steps``): compile the rule sets before issuing takes the
    document and numbering locks, so that the first issue after a restart holds them no longer
    than the others."""
    validation.prepare(rule_sets_to_prepare(document))


def check_for_issue(document, **_context) -> EInvoice:
    """Issue step (``sales.steps``, registered in apps.py): runs inside issuing's transaction, after
    freezing. A refusal rolls the whole issue back, the number included."""
    fmt = default_format(document.entity.jurisdiction)
    report = check(document.frozen, fmt)
    return EInvoice.objects.create(document=document, format=fmt, syntax=syntax_of(fmt), passed=report.passed,
                                   report=report.as_dict(), validated_at=timezone.now())


def pdf_name(document) -> str:
    return f"{document.number or document.pk}.pdf".replace("/", "-")


def file_name(document, fmt: str) -> str:
    base = (document.number or str(document.pk)).replace("/", "-")
    return {Format.UBL: f"{base}-ubl.xml", Format.CII: f"{base}-cii.xml", Format.FACTURX: f"{base}.pdf"}[fmt]


def archive(document, pdf: bytes) -> bytes:
    """Called by the PDF task: archive the e-invoice, return the PDF to archive.

    UBL: the XML with the PDF embedded is archived. Factur-X: the CII is archived and embedded
    in the PDF, which becomes the Factur-X PDF. Documents without a checked e-invoice (quotes,
    or documents issued before e-invoicing existed) keep their plain PDF.
    """
    einvoice = EInvoice.objects.filter(document=document).first()
    if einvoice is None or einvoice.xml:
        return pdf
    if einvoice.format == Format.UBL:
        xml = build(document.frozen, "ubl", pdf=pdf, pdf_name=pdf_name(document))
        out = pdf
    else:
        from . import facturx

        xml = build(document.frozen, "cii")
        out = facturx.embed(pdf, xml, lang=document.frozen.get("language", "fr"))
    einvoice.xml.save(file_name(document, Format.UBL if einvoice.format == Format.UBL else Format.CII),
                      ContentFile(xml), save=False)
    einvoice.xml_sha256 = hashlib.sha256(xml).hexdigest()
    einvoice.archived_at = timezone.now()
    einvoice.save(update_fields=["xml", "xml_sha256", "archived_at"])
    return out


def _archived_pdf(document) -> bytes:
    from compagnon.sales.tasks import archived_pdf

    return archived_pdf(document)[0]


def _archived_xml(document, syntax: str) -> bytes | None:
    try:
        einvoice = document.einvoice
    except EInvoice.DoesNotExist:
        return None
    if einvoice.syntax != syntax or not einvoice.xml:
        return None
    with einvoice.xml.open("rb") as f:
        return f.read()


def download(document, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, content type) of an issued document's e-invoice in a format."""
    if document.kind not in LEGAL_KINDS or document.is_draft:
        raise ValidationError(_("Only issued invoices and credit notes have an e-invoice."))
    if fmt not in Format.values:
        raise ValidationError({"format": _("Unknown e-invoice format: choose ubl, cii or facturx.")})
    syntax = syntax_of(fmt)
    pdf = _archived_pdf(document)
    if fmt == Format.FACTURX:
        from . import facturx

        if facturx.extract(pdf):
            data = pdf  # the archived PDF already is the Factur-X
        else:
            data = facturx.embed(pdf, _archived_xml(document, "cii") or build(document.frozen, "cii"),
                                 lang=document.frozen.get("language", "fr"))
    elif syntax == "ubl":
        data = _archived_xml(document, "ubl") or build(document.frozen, "ubl", pdf=pdf, pdf_name=pdf_name(document))
    else:
        data = _archived_xml(document, "cii") or build(document.frozen, "cii")
    return data, file_name(document, fmt), CONTENT_TYPES[fmt]


def validate_download(document, fmt: str) -> validation.Report:
    data, _name, _type = download(document, fmt)
    if fmt == Format.FACTURX:
        from . import facturx

        data = facturx.extract(data)
    return validation.validate(data, rule_sets_for(document.frozen, syntax_of(fmt)))


# --- transmission ---------------------------------------------------------------------------------


def peppol_recipient(document) -> str:
    buyer = document.frozen.get("buyer", {})
    if not peppol_reachable(document.frozen):
        return ""
    return f"{buyer['endpoint_scheme']}:{buyer['endpoint_id']}"


@transaction.atomic
def send_via_peppol(*, actor, document) -> Transmission:
    """Queue the document's UBL for the Peppol network; the access point takes it after commit."""
    from compagnon.sales.models import Document

    document = Document.objects.select_for_update().get(pk=document.pk)
    require(actor, "sales.change_document", document)
    if document.kind not in LEGAL_KINDS or document.is_draft:
        raise ValidationError(_("Only issued invoices and credit notes can be sent as e-invoices."))
    recipient = peppol_recipient(document)
    if not recipient:
        raise ValidationError({"client": _(
            "This client has no Peppol identifier: add its company number or Peppol id to the client, "
            "or send the invoice by email."
        )})
    if document.transmissions.filter(channel=Channel.PEPPOL).exclude(status=TransmissionStatus.FAILED).exists():
        raise ValidationError(_("This document was already sent through Peppol."))
    transmission = Transmission.objects.create(document=document, channel=Channel.PEPPOL, format=Format.UBL,
                                               recipient=recipient, created_by=actor)
    record(actor=actor, action="einvoice.peppol_queued", obj=document,
           message=gettext_noop("%(document)s queued for Peppol to %(to)s"),
           params={"document": document.number, "to": recipient},
           entity=document.entity, activity=document.activity)
    from .tasks import transmit

    transaction.on_commit(lambda: transmit.enqueue(transmission_id=transmission.pk))
    return transmission


def email_attachments(document) -> list[tuple[str, bytes, str]]:
    """The e-invoice XML sent with the PDF by email (Factur-X needs none: it is inside the PDF)."""
    try:
        einvoice = document.einvoice
    except EInvoice.DoesNotExist:
        return []
    if einvoice.format != Format.UBL:
        return []
    data, name, mime = download(document, Format.UBL)
    return [(name, data, mime)]


def record_email(document, to: str) -> Transmission | None:
    try:
        fmt = document.einvoice.format
    except EInvoice.DoesNotExist:
        return None
    return Transmission.objects.create(document=document, channel=Channel.EMAIL, format=fmt, recipient=to[:200],
                                       status=TransmissionStatus.SENT)
