import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
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


class Contact(models.Model):
    """A person to talk to at a client (the accountant who pays, the site manager…)."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("client")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role or function"),
        max_length=100,
        blank=True,
        help_text=_("e.g. accounts payable, site manager, owner."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(
        _("main contact"), default=False, help_text=_("The person you usually deal with.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_primary=True),
                name="one_primary_contact_per_client",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class EntryKind(models.TextChoices):
    MEETING = "meeting", pgettext_lazy("relationship entry", "meeting")
    OUR_COMMITMENT = "our_commitment", pgettext_lazy("relationship entry", "our commitment")
    THEIR_COMMITMENT = "their_commitment", pgettext_lazy("relationship entry", "their commitment")
    REFLECTION = "reflection", pgettext_lazy("relationship entry", "how it is going")


COMMITMENT_KINDS = (EntryKind.OUR_COMMITMENT, EntryKind.THEIR_COMMITMENT)


class RelationshipEntry(models.Model):
    """One line of the relationship log kept with a client: a meeting, a promise made by either
    side (with a due date and done flag), or a reflection on how the collaboration goes."""

    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="relationship_entries",
        verbose_name=_("client"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    date = models.DateField(_("date"), default=timezone.localdate)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True, max_length=5000)
    due_on = models.DateField(
        _("due on"), null=True, blank=True, help_text=_("For commitments: when it is due.")
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("relationship entry")
        verbose_name_plural = _("relationship entries")
        ordering = ["-date", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-date"]),
            models.Index(fields=["client", "kind", "done"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in COMMITMENT_KINDS])
                | models.Q(done=False, due_on__isnull=True),
                name="only_commitments_are_due_or_done",
            )
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}: {self.title}"

    @property
    def is_commitment(self) -> bool:
        return self.kind in COMMITMENT_KINDS

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_commitment
            and not self.done
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class ImportStatus(models.TextChoices):
    DRY_RUN_OK = "dry_run_ok", pgettext_lazy("client import", "checked, ready to import")
    FAILED = "failed", pgettext_lazy("client import", "refused")
    IMPORTED = "imported", pgettext_lazy("client import", "imported")


def import_path(instance, filename):
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename.rsplit("/", 1)[-1])[-80:] or "clients.csv"
    return f"client-imports/{instance.activity_id}/{timezone.now():%Y%m%d-%H%M%S}-{name}"


class ClientImport(models.Model):
    """A CSV file of clients uploaded for an activity, kept with the report of its check.

    The file is kept whatever the outcome, so a refused import can be looked at again.
    ``report``: ``{"total", "valid", "created", "errors": [{"line", "field", "message"}],
    "preview": [...], "delimiter", "encoding"}``; line 1 is the header row.
    """

    activity = models.ForeignKey(
        "members.Activity",
        on_delete=models.PROTECT,
        related_name="client_imports",
        verbose_name=_("activity"),
    )
    file = models.FileField(_("file"), upload_to=import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    dry_run = models.BooleanField(_("check only"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.FAILED
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("client import")
        verbose_name_plural = _("client imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["activity", "-created_at"])]

    def __str__(self):
        return self.original_name or self.file.name

    @property
    def errors(self) -> list[dict]:
        return self.report.get("errors", [])

    @property
    def error_lines(self) -> list[str]:
        """The errors as "line N: field: message" (line 1 is the header row)."""
        out = []
        for e in self.errors:
            if e.get("field"):
                out.append(
                    gettext("line %(line)s: %(field)s: %(message)s")
                    % {"line": e["line"], "field": e["field"], "message": e["message"]}
                )
            else:
                out.append(gettext("line %(line)s: %(message)s") % e)
        return out
