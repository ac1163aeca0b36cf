"""The e-invoice of each issued invoice and credit note, and its transmissions.

The XML is generated from the document's frozen snapshot only (like the PDF), so it can be made
again identically at any time; the default format of the entity is archived at issue time with
the validation report that allowed the document to be issued.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Format(models.TextChoices):
    UBL = "ubl", _("Peppol BIS 3.0 (UBL)")
    CII = "cii", _("CII (UN/CEFACT XML)")
    FACTURX = "facturx", _("Factur-X (PDF with CII)")


class EInvoice(models.Model):
    document = models.OneToOneField("sales.Document", on_delete=models.PROTECT, related_name="einvoice",
                                    verbose_name=_("document"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    syntax = models.CharField(max_length=3)  # "ubl" or "cii": what was validated
    # the archived XML: UBL with the PDF embedded, or the CII embedded in the Factur-X PDF
    xml = models.FileField(upload_to="einvoices/%Y/%m/", blank=True, editable=False)
    xml_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    passed = models.BooleanField(_("valid"), default=False)
    report = models.JSONField(_("validation report"), default=dict)
    validated_at = models.DateTimeField(_("validated at"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-invoice")
        verbose_name_plural = _("e-invoices")

    def __str__(self):
        return f"{self.document} ({self.format})"

    @property
    def warnings(self) -> list[dict]:
        return [f for f in self.report.get("fired", []) if f.get("flag") not in ("fatal", "error")]


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    PEPPOL = "peppol", _("Peppol network")


class TransmissionStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("transmission", "queued")
    SENT = "sent", pgettext_lazy("transmission", "sent")
    DELIVERED = "delivered", pgettext_lazy("transmission", "delivered")
    FAILED = "failed", pgettext_lazy("transmission", "failed")


class Transmission(models.Model):
    """One sending of a document's e-invoice through a channel, with its tracked status."""

    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, related_name="transmissions",
                                 verbose_name=_("document"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    recipient = models.CharField(_("recipient"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=TransmissionStatus.choices,
                              default=TransmissionStatus.QUEUED)
    message_id = models.CharField(_("message id"), max_length=100, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("transmission")
        verbose_name_plural = _("transmissions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "status"])]
        constraints = [
            # one Peppol message per access-point message id
            models.UniqueConstraint(fields=["channel", "message_id"], condition=~models.Q(message_id=""),
                                    name="transmission_message_unique"),
        ]

    def __str__(self):
        return f"{self.document} → {self.recipient} ({self.channel})"
