"""The signed PDF of an accepted document: the archived PDF, an evidence page, the entity's seal.

The evidence page is appended in an *incremental update*: the archived PDF's bytes stay, unchanged,
at the start of the signed file, so anyone can check that its first ``original_size`` bytes hash
to the SHA-256 recorded in the evidence. The whole file is then signed (PAdES baseline B-B) with
the entity's certificate through pyHanko.
"""

from __future__ import annotations

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import translation

from .certificates import load_private_key


def render_evidence_page(context: dict, language: str) -> bytes:
    """One A4 page listing who accepted what, when and how (WeasyPrint, no external resources)."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("portal/pdf/evidence.html", context)

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"the evidence page may not load {url!r}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()


def _append_pages(writer, extra_pdf: bytes) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.reader import PdfFileReader

    extra = PdfFileReader(BytesIO(extra_pdf), strict=False)
    pages = int(extra.root["/Pages"]["/Count"])
    for ix in range(pages):
        page_ref, _resources = extra.find_page_for_modification(ix)
        box = page_ref.get_object()["/MediaBox"]
        xobject = writer.import_page_as_xobject(extra, page_ix=ix)
        content = writer.add_object(generic.StreamObject(stream_data=b"q /EvidencePage Do Q"))
        writer.insert_page(generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Page"),
            pdf_name("/MediaBox"): generic.ArrayObject([generic.FloatObject(float(v)) for v in box]),
            pdf_name("/Resources"): generic.DictionaryObject({
                pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/EvidencePage"): xobject}),
            }),
            pdf_name("/Contents"): content,
        }))


def seal(original_pdf: bytes, evidence_pdf: bytes, certificate, *, reason: str, location: str, name: str) -> bytes:
    """``original_pdf`` + ``evidence_pdf`` pages, signed with ``certificate`` (an EntityCertificate)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(certificate.certificate_pem.encode()).public_bytes(serialization.Encoding.DER))
    key = asn1_keys.PrivateKeyInfo.load(load_private_key(certificate).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    writer = IncrementalPdfFileWriter(BytesIO(original_pdf), strict=False)
    _append_pages(writer, evidence_pdf)
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    meta = signers.PdfSignatureMetadata(
        field_name="CompagnonSeal", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason[:200], location=location[:200], name=name[:200],
    )
    out = BytesIO()
    signers.sign_pdf(writer, meta, signer=signer, output=out)
    return out.getvalue()


def validate(signed_pdf: bytes, certificate_pem: str):
    """pyHanko's status of the (only) signature, trusting ``certificate_pem`` as root."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(certificate_pem.encode()).public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(BytesIO(signed_pdf), strict=False)
    signatures = reader.embedded_signatures
    if len(signatures) != 1:
        raise ValueError(f"expected one signature, found {len(signatures)}")
    return validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[root]))
