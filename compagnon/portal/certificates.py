"""Entity certificates: generate (self-signed, for the demo and tests), store, load for signing.

A production cooperative may instead store a certificate issued by a certification authority
(same model); sealing always takes the entity's newest certificate that is valid now.
"""

from __future__ import annotations

import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from compagnon.audit.services import record

from .models import EntityCertificate

KEY_SALT = "compagnon.portal.certificate-key"
DEMO_VALIDITY = datetime.timedelta(days=3 * 365)


def key_passphrase(secret: str | None = None) -> bytes:
    """The passphrase that encrypts private keys at rest, derived from SECRET_KEY."""
    return salted_hmac(KEY_SALT, "private-key", secret=secret or settings.SECRET_KEY, algorithm="sha256").hexdigest().encode()


def current_certificate(entity) -> EntityCertificate | None:
    now = timezone.now()
    return (EntityCertificate.objects.filter(entity=entity, not_before__lte=now, not_after__gt=now)
            .order_by("-created_at", "-id").first())


def _fit(text: str, limit: int = 64) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes (X.509 limits names in bytes), never inside a character."""
    return text.encode()[:limit].decode(errors="ignore").strip()


def _name(entity) -> x509.Name:
    legal = _fit(entity.legal_name or entity.name)
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, legal), x509.NameAttribute(NameOID.ORGANIZATION_NAME, legal)]
    if entity.country and len(entity.country) == 2:
        parts.append(x509.NameAttribute(NameOID.COUNTRY_NAME, entity.country.upper()))
    if entity.company_number:
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, _fit(entity.company_number)))
    return x509.Name(parts)


@transaction.atomic
def generate_self_signed(entity, *, actor=None, validity: datetime.timedelta = DEMO_VALIDITY) -> EntityCertificate:
    """A new self-signed ECDSA P-256 certificate for ``entity``, fit for signing documents."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(entity)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    certificate = EntityCertificate.objects.create(
        entity=entity,
        subject=name.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"})[:300],
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        private_key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(key_passphrase()),
        ).decode(),
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=True,
    )
    record(actor=actor, action="certificate.created", obj=certificate, entity=entity,
           message=gettext_noop("Self-signed certificate %(fingerprint)s created for %(entity)s"),
           params={"fingerprint": certificate.fingerprint_sha256[:16], "entity": entity.name})
    return certificate


def ensure_demo_certificate(entity, *, actor=None) -> EntityCertificate:
    """The entity's valid certificate, generating a self-signed one when it has none."""
    return current_certificate(entity) or generate_self_signed(entity, actor=actor)


def load_private_key(certificate: EntityCertificate):
    """The private key as a ``cryptography`` object; tries SECRET_KEY then SECRET_KEY_FALLBACKS."""
    data = certificate.private_key_pem.encode()
    if b"ENCRYPTED" not in data:  # an imported key stored in clear
        return serialization.load_pem_private_key(data, password=None)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    for secret in secrets:
        try:
            return serialization.load_pem_private_key(data, password=key_passphrase(secret))
        except ValueError:
            continue
    raise ValueError("The certificate's private key cannot be decrypted with SECRET_KEY or its fallbacks.")
