"""The new member's first steps and kit.

* ``Path`` — the onboarding path of an entity for one maturity (``members.Maturity``: new,
  developing, established), made of ordered ``Step``s: an explanation (may point at a help-centre
  article), a document to read and sign (a file, an article or the step's own text), a meeting to
  attend (the advisor marks it attended) or a task to do;
* ``Assignment`` — a member's path: given automatically when the member is created or changes
  maturity; keeps its progress (steps done, the next one, when the member last moved) so the
  advisors' follow list sorts thousands of members without counting;
* ``Completion`` — a step done (by the member, or by the advisor for a meeting);
* ``Signature`` — the evidence of a signed document: the typed name, when, the document's title,
  version and SHA-256, the address and browser; never edited, kept when the step changes;
* ``KitFile`` / ``KitContact`` — the new member's kit: templates to download and key contacts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnon.members.models import Maturity
from compagnon.organisation.models import LANGUAGE_CHOICES

LANGUAGES = ("fr", "nl", "en")


def in_language(obj, field: str, lang: str) -> str:
    for code in (lang, *[c for c in LANGUAGES if c != lang]):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class Path(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="onboarding_paths",
                               verbose_name=_("entity"))
    maturity = models.CharField(_("maturity"), max_length=12, choices=Maturity.choices)
    title_fr = models.CharField(_("title (French)"), max_length=150, blank=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=150, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    intro_fr = models.TextField(_("welcome text (French)"), blank=True)
    intro_nl = models.TextField(_("welcome text (Dutch)"), blank=True)
    intro_en = models.TextField(_("welcome text (English)"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("onboarding path")
        verbose_name_plural = _("onboarding paths")
        ordering = ["entity_id", "maturity"]
        constraints = [models.UniqueConstraint(fields=["entity", "maturity"], name="onboarding_one_path")]

    def __str__(self):
        return self.title_en or self.title_fr or self.title_nl or f"{self.entity_id}/{self.maturity}"

    def title(self, lang: str) -> str:
        return in_language(self, "title", lang)

    def intro(self, lang: str) -> str:
        return in_language(self, "intro", lang)


class StepKind(models.TextChoices):
    EXPLAIN = "explain", pgettext_lazy("onboarding step", "explanation")
    SIGN = "sign", pgettext_lazy("onboarding step", "document to read and sign")
    MEETING = "meeting", pgettext_lazy("onboarding step", "meeting")
    TASK = "task", pgettext_lazy("onboarding step", "task")


def step_file_path(instance, filename):
    return f"onboarding/{instance.path.entity_id}/steps/{filename}"


class Step(models.Model):
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="steps", verbose_name=_("path"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=StepKind.choices)
    title_fr = models.CharField(_("title (French)"), max_length=150, blank=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=150, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    article = models.ForeignKey("knowledge.Article", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("help-centre article"))
    file = models.FileField(_("document"), upload_to=step_file_path, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    document_version = models.PositiveIntegerField(_("document version"), default=1)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    meeting_at = models.DateTimeField(_("meeting date and time"), null=True, blank=True)
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    archived = models.BooleanField(_("removed from the path"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        ordering = ["path_id", "position", "id"]
        indexes = [models.Index(fields=["path", "archived", "position"], name="onboarding_step_order")]

    def __str__(self):
        return self.title_en or self.title_fr or self.title_nl or f"{self.kind} {self.pk}"

    def title(self, lang: str) -> str:
        return in_language(self, "title", lang)

    def text(self, lang: str) -> str:
        return in_language(self, "text", lang)


class Assignment(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="onboarding",
                               verbose_name=_("member"))
    path = models.ForeignKey(Path, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("path"))
    active = models.BooleanField(_("current path"), default=True)
    assigned_at = models.DateTimeField(_("given on"), auto_now_add=True)
    done_count = models.PositiveSmallIntegerField(_("steps done"), default=0)
    total_count = models.PositiveSmallIntegerField(_("steps"), default=0)
    next_step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("next step"))
    last_progress_at = models.DateTimeField(_("last step done on"))
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("member's path")
        verbose_name_plural = _("members' paths")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "path"], name="onboarding_one_assignment"),
            models.UniqueConstraint(fields=["member"], condition=Q(active=True), name="onboarding_one_active"),
        ]
        indexes = [models.Index(fields=["path", "active"], name="onboarding_assignment_path")]

    def __str__(self):
        return f"{self.member_id} → {self.path_id}"


class Completion(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="completions",
                                   verbose_name=_("member's path"))
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="completions", verbose_name=_("step"))
    done_at = models.DateTimeField(_("done on"), auto_now_add=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                verbose_name=_("marked by"))

    class Meta:
        verbose_name = _("step done")
        verbose_name_plural = _("steps done")
        ordering = ["assignment_id", "done_at"]
        constraints = [models.UniqueConstraint(fields=["assignment", "step"], name="onboarding_done_once")]

    def __str__(self):
        return f"{self.assignment_id}/{self.step_id}"


class Signature(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="onboarding_signatures",
                               verbose_name=_("member"))
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("step"))
    typed_name = models.CharField(_("name typed"), max_length=200)
    signed_at = models.DateTimeField(_("signed on"), auto_now_add=True)
    document_title = models.CharField(_("document"), max_length=200)
    document_version = models.PositiveIntegerField(_("document version"))
    document_sha256 = models.CharField(_("document fingerprint (SHA-256)"), max_length=64)
    article_revision = models.ForeignKey("knowledge.Revision", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("article version"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["member", "step"], name="onboarding_signature_member")]

    def __str__(self):
        return f"{self.typed_name} — {self.document_title} v{self.document_version}"


def kit_file_path(instance, filename):
    return f"onboarding/{instance.entity_id}/kit/{filename}"


class KitFile(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="kit_files",
                               verbose_name=_("entity"))
    title = models.CharField(_("title"), max_length=150)
    description = models.CharField(_("what it is for"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, blank=True)
    file = models.FileField(_("file"), upload_to=kit_file_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kit template")
        verbose_name_plural = _("kit templates")
        ordering = ["entity_id", "position", "id"]

    def __str__(self):
        return self.title


class KitContact(models.Model):
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="kit_contacts",
                               verbose_name=_("entity"))
    office = models.ForeignKey("organisation.Office", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("office"),
                               help_text=_("Empty: shown to every member of the entity."))
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("what to ask them"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("key contact")
        verbose_name_plural = _("key contacts")
        ordering = ["entity_id", "position", "id"]

    def __str__(self):
        return self.name
