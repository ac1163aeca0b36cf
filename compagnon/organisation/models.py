from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from compagnon import jurisdictions

LANGUAGE_CHOICES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]


def validate_iban(value: str) -> None:
    try:
        IBAN(value)
    except SchwiftyException:
        raise ValidationError(
            _(
                "This IBAN is not valid: check the country code, the length and the two check digits."
            ),
            code="iban",
        ) from None


class Address(models.Model):
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="FR")

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.city}".strip()) if line]


class Entity(Address):
    """A legal entity (the cooperative itself, or one of its companies) that hosts activities."""

    name = models.CharField(_("name"), max_length=120)
    legal_name = models.CharField(_("legal name"), max_length=200)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, choices=jurisdictions.CHOICES)
    company_number = models.CharField(_("company number"), max_length=20)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    email = models.EmailField(_("email"), blank=True)
    default_language = models.CharField(
        _("default language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr"
    )
    contribution_rate = models.DecimalField(
        _("contribution rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of each activity's revenue that goes to the cooperative."),
    )
    number_patterns = models.JSONField(
        _("document number patterns"), default=dict, blank=True,
        help_text=_('Per series, e.g. {"invoice": "F{year}-{seq:05}"}; empty uses the country default.'),
    )
    send_by_peppol = models.BooleanField(
        _("send invoices through Peppol"), default=False,
        help_text=_("When a client can receive e-invoices on the Peppol network, invoices go there "
                    "instead of by email. The member can still choose email."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "company_number"], name="entity_company_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(contribution_rate__gte=0) & models.Q(contribution_rate__lte=100),
                name="entity_contribution_rate_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def rules(self) -> jurisdictions.Jurisdiction:
        return jurisdictions.get(self.jurisdiction)

    def clean(self):
        errors = {}
        if self.jurisdiction:
            rules = self.rules
            if self.company_number:
                try:
                    self.company_number = rules.validate_company_number(self.company_number)
                except jurisdictions.IdentifierError as exc:
                    errors["company_number"] = exc.message
            if self.vat_number:
                try:
                    self.vat_number = rules.validate_vat_number(self.vat_number)
                except jurisdictions.IdentifierError as exc:
                    errors["vat_number"] = exc.message
        if self.iban:
            self.iban = self.iban.replace(" ", "").upper()
        for series, pattern in (self.number_patterns or {}).items():
            try:
                pattern.format(year=2026, seq=1)
                if "{seq" not in pattern:
                    raise ValueError
            except (ValueError, KeyError, IndexError, AttributeError):
                errors["number_patterns"] = _(
                    "Pattern for %(series)s must contain {seq} and may use {year}, e.g. F{year}-{seq:05}."
                ) % {"series": series}
        if errors:
            raise ValidationError(errors)

    def number_pattern(self, series: str) -> str:
        return (self.number_patterns or {}).get(series) or self.rules.number_patterns[series]

    @property
    def formatted_company_number(self) -> str:
        return self.rules.format_company_number(self.company_number) if self.company_number else ""


class Office(Address):
    """A local office of an entity; advisors and members are attached to one."""

    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="offices", verbose_name=_("entity")
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["entity__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "name"], name="office_name_unique_per_entity")
        ]

    def __str__(self):
        return self.name
