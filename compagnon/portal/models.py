"""The client portal: signed links to one document, online acceptance with a one-time code, the
evidence of that acceptance and the certificates that seal the signed PDF.

A client has no account. A ``PortalAccess`` is the revocable secret behind a link; the link itself
is signed (``tokens.py``). Accepting a quote is a ``SignatureRequest`` (name, email, hashed code)
that, once its code is confirmed, becomes a ``SignatureEvidence`` whose PDF is the archived quote
with an evidence page appended, sealed with the entity's certificate (``EntityCertificate``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EntityCertificate(models.Model):
    """An X.509 certificate and its private key, used to seal the PDFs an entity's clients sign.

    The private key is stored as PKCS#8 PEM encrypted with a passphrase derived from SECRET_KEY
    (``certificates.key_passphrase``): a copy of the database alone does not reveal it.
    """

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name=_("entity"))
    subject = models.CharField(_("subject"), max_length=300)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    private_key_pem = models.TextField(_("private key (encrypted PEM)"), editable=False)
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    self_signed = models.BooleanField(_("self-signed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entity certificate")
        verbose_name_plural = _("entity certificates")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} ({self.fingerprint_sha256[:16]})"

    @property
    def is_valid_now(self) -> bool:
        return self.not_before <= timezone.now() < self.not_after


class PortalAccess(models.Model):
    """The secret behind the client's link to one document. Revoking it kills every link built on it."""

    document = models.ForeignKey("sales.Document", on_delete=models.CASCADE, related_name="portal_accesses")
    nonce = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    last_seen_at = models.DateTimeField(_("last opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["document", "-created_at"])]

    def __str__(self):
        return f"{self.document} ({self.created_at:%Y-%m-%d})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired


class SignatureRequest(models.Model):
    """One attempt to accept a document online: who says they are signing, and their one-time code.

    Only a hash of the code is stored. The code expires 10 minutes after it is sent and the request
    locks after 5 wrong codes.
    """

    access = models.ForeignKey(PortalAccess, on_delete=models.CASCADE, related_name="signature_requests")
    document = models.ForeignKey("sales.Document", on_delete=models.CASCADE, related_name="signature_requests")
    signer_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"))
    statement = models.TextField(_("statement accepted"))
    document_sha256 = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64, editable=False)
    code_sent_at = models.DateTimeField()
    code_expires_at = models.DateTimeField()
    sends = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["document", "-created_at"])]

    def __str__(self):
        return f"{self.document} — {self.signer_name}"


class SignatureEvidence(models.Model):
    """What proves that the client accepted the document: kept forever, with the sealed PDF."""

    document = models.OneToOneField("sales.Document", on_delete=models.PROTECT, related_name="signature_evidence",
                                    verbose_name=_("document"))
    request = models.OneToOneField(SignatureRequest, on_delete=models.PROTECT, related_name="evidence")
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_email = models.EmailField(_("email"))
    signed_at = models.DateTimeField(_("signed at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    statement = models.TextField(_("statement accepted"))
    document_sha256 = models.CharField(_("SHA-256 of the accepted PDF"), max_length=64)
    otp_sent_at = models.DateTimeField(_("code sent at"))
    otp_verified_at = models.DateTimeField(_("code confirmed at"))
    entity_name = models.CharField(_("cooperative"), max_length=200)
    certificate = models.ForeignKey(EntityCertificate, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("certificate"))
    signed_pdf = models.FileField(_("signed PDF"), upload_to="signatures/%Y/%m/", blank=True)
    signed_pdf_sha256 = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signature evidence")
        verbose_name_plural = _("signature evidence")
        ordering = ["-signed_at"]

    def __str__(self):
        return f"{self.document} — {self.signer_name}"


class ClientRefusal(models.Model):
    """A client refused a quote online, with their reason when they gave one."""

    document = models.OneToOneField("sales.Document", on_delete=models.CASCADE, related_name="client_refusal")
    access = models.ForeignKey(PortalAccess, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    refused_at = models.DateTimeField(_("refused at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("refusal")
        verbose_name_plural = _("refusals")

    def __str__(self):
        return f"{self.document} refused"


class SentOnce(models.Model):
    """A sending asked for with an idempotency key (the send page's hidden ``key``, the API's
    ``Idempotency-Key`` header), stored in the transaction that sent: the same key again for the
    same document returns this first result instead of sending twice. Only a sending that happened
    is stored: when issuing worked and sending failed, the same key sends on the next try."""

    document = models.ForeignKey("sales.Document", on_delete=models.CASCADE, related_name="sent_once")
    key = models.CharField(max_length=100)
    channel = models.CharField(max_length=10)
    issued = models.BooleanField(default=False)  # the first call issued the document
    email = models.ForeignKey("sales.DocumentEmail", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    transmission = models.ForeignKey("einvoice.Transmission", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="portal_sent_once_per_key")]

    def __str__(self):
        return f"{self.document} ({self.key})"
