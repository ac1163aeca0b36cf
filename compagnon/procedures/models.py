"""Shared procedures: step-by-step ways of working per trade (installation, repair, maintenance,
safety), written by members, validated by a referent of the trade, versioned, searched, and used
as checklists on intervention sheets.

* ``TradeReferent`` — a member named by staff as referent of a trade in an entity;
* ``Procedure`` — one procedure of an entity and a trade; ``current`` is the version in force
  (None until a first version is validated); keeps a copy of the current title and folded text
  for lists and search (a tsvector on PostgreSQL, GIN index in migration 0002);
* ``Version`` — one version: a draft (its author writes it), waiting for review, sent back with a
  comment, or validated (numbered 1, 2, 3…, never edited again; the newest validated one is in
  force, earlier ones stay readable);
* ``Step`` — an ordered step of a version: text, a "check" flag (a checklist item on site) and
  photos (``Photo``, stored once per procedure and shared by the versions that show them);
* ``SheetChecklist`` / ``Tick`` — a procedure version attached to an intervention sheet and the
  items the member ticked there (the version used stays readable when newer ones exist).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.organisation.models import LANGUAGE_CHOICES


class TradeReferent(models.Model):
    """A member named by the cooperative's staff as a referent of a trade in an entity: they review
    and validate the trade's procedures and are asked first when a colleague has a question."""

    entity = models.ForeignKey(
        "organisation.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    trade = models.ForeignKey(
        "members.Trade", on_delete=models.CASCADE, related_name="+", verbose_name=_("trade")
    )
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="trade_referencies",
        verbose_name=_("member"),
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("named by"),
    )
    since = models.DateField(_("referent since"))

    class Meta:
        verbose_name = _("trade referent")
        verbose_name_plural = _("trade referents")
        ordering = ["entity_id", "trade_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "trade", "member"], name="procedures_one_referent_per_trade"
            )
        ]

    def __str__(self):
        return f"{self.entity_id}/{self.trade_id}/{self.member_id}"


class Kind(models.TextChoices):
    INSTALLATION = "installation", pgettext_lazy("procedure kind", "installation")
    REPAIR = "repair", pgettext_lazy("procedure kind", "repair")
    MAINTENANCE = "maintenance", pgettext_lazy("procedure kind", "maintenance")
    SAFETY = "safety", pgettext_lazy("procedure kind", "safety")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("procedure version state", "draft")
    REVIEW = "review", pgettext_lazy("procedure version state", "waiting for review")
    CHANGES = "changes", pgettext_lazy("procedure version state", "sent back")
    VALIDATED = "validated", pgettext_lazy("procedure version state", "validated")


OPEN_STATES = (State.DRAFT, State.REVIEW, State.CHANGES)


class Procedure(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="procedures",
                               verbose_name=_("entity"))
    trade = models.ForeignKey("members.Trade", on_delete=models.PROTECT, related_name="procedures",
                              verbose_name=_("trade"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    shared = models.BooleanField(
        _("shared with the cooperative's other entity"), default=False,
        help_text=_("Once in force, members of the other entities read it too."))
    source = models.CharField(_("written from"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("author"))
    created_at = models.DateTimeField(auto_now_add=True)
    current = models.ForeignKey("Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("version in force"))
    in_force_since = models.DateTimeField(_("in force since"), null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)  # folded: lower case, no accents
    search = SearchVectorField(null=True, editable=False)  # PostgreSQL only (GIN index in 0002)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["-in_force_since", "-id"]
        indexes = [
            models.Index(fields=["entity", "in_force_since"], name="procedures_entity_force"),
            models.Index(fields=["shared", "in_force_since"], name="procedures_shared_force"),
            models.Index(fields=["trade", "kind"], name="procedures_trade_kind"),
            models.Index(fields=["-in_force_since", "-id"], name="procedures_force_order"),
            models.Index(fields=["trade", "-in_force_since"], name="procedures_trade_force"),
        ]

    def __str__(self):
        return self.title


class Version(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions",
                                  verbose_name=_("procedure"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    tools = models.TextField(_("tools and materials"), blank=True, max_length=4000)
    safety = models.TextField(_("safety warnings"), blank=True, max_length=4000)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("written from version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("sent for review on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure_id", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "author"], condition=Q(state__in=["draft", "review", "changes"]),
                                    name="procedures_one_open_draft_per_author"),
            models.UniqueConstraint(fields=["procedure", "number"], condition=Q(number__isnull=False),
                                    name="procedures_version_number_unique"),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"], name="procedures_review_queue")]

    def __str__(self):
        return f"{self.procedure_id} v{self.number or '-'} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Photo(models.Model):
    """A photo of a procedure's step (a JPEG of at most 1,600 px without EXIF, as sheet photos),
    served only through a view that checks the reader sees the procedure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="photos")
    file = models.ImageField(upload_to="procedures/photos/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"photo {self.pk}"


class Step(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("step"), max_length=2000)
    to_tick = models.BooleanField(_("to tick on site"), default=False)
    photos = models.ManyToManyField(Photo, blank=True, related_name="steps")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text[:40]


class SheetChecklist(models.Model):
    """A procedure version attached to an intervention sheet; the version stays the one used."""

    sheet = models.ForeignKey("interventions.Sheet", on_delete=models.CASCADE, related_name="procedure_checklists")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="checklists")
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "version"], name="procedures_one_checklist_per_version")]

    def __str__(self):
        return f"{self.sheet_id}: {self.version_id}"


class Tick(models.Model):
    checklist = models.ForeignKey(SheetChecklist, on_delete=models.CASCADE, related_name="ticks")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step__position", "id"]
        constraints = [models.UniqueConstraint(fields=["checklist", "step"], name="procedures_one_tick_per_step")]

    def __str__(self):
        return f"{self.checklist_id}/{self.step_id}"
