from django.db import models
from django.utils.translation import gettext_lazy as _

DOCUMENT_LANGUAGES = [
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("de", _("German")),
]


class ClientKind(models.TextChoices):
    COMPANY = "company", _("company or organisation")
    INDIVIDUAL = "individual", _("individual")


class Client(models.Model):
    """A client of one activity. Documents copy what they print from here at issue time."""

    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("activity"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=ClientKind.choices, default=ClientKind.COMPANY
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("Legal name of the company, or first and last name.")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("document language"), max_length=2, choices=DOCUMENT_LANGUAGES, default="fr"
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the activity's terms."),
    )
    # billing address
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="FR", help_text=_("Two-letter code, e.g. FR, BE.")
    )
    # where the work happens, when it differs
    site_street = models.CharField(_("site street and number"), max_length=200, blank=True)
    site_postcode = models.CharField(_("site postcode"), max_length=16, blank=True)
    site_city = models.CharField(_("site city"), max_length=100, blank=True)
    # identifiers (validated through the jurisdictions package)
    company_number = models.CharField(
        _("company number"),
        max_length=20,
        blank=True,
        help_text=_("SIREN/SIRET in France, enterprise number (KBO/BCE) in Belgium."),
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    peppol_scheme = models.CharField(
        _("Peppol scheme"),
        max_length=4,
        blank=True,
        help_text=_("e.g. 0208 (Belgian KBO/BCE), 0009 (SIRET)."),
    )
    peppol_id = models.CharField(_("Peppol identifier"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["activity", "name"]),
            models.Index(fields=["company_number"]),
        ]

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.city}".strip()) if line]

    @property
    def is_business(self) -> bool:
        return self.kind == ClientKind.COMPANY
