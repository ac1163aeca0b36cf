"""Collections: the entity's plan, the automated actions it schedules on each document, the member's
preferences, and the litigation cases handed to the collections service.

An **automated action** is one step of the plan on one document (unique per document and step):

    scheduled ──► held (the member said "wait") ──► approved ──► executed
        └──► approved (OK given ahead)                       ╲──► skipped (no longer applies)
    any pending state ──► cancelled (invoice paid, quote answered, member said "not this one")

A step that needs approval (formal notice and litigation always do; the member's preferences can ask
for more) stays *scheduled* until the member's OK; nothing irreversible runs without it. Steps of one
document run in order: a later step is ``blocked`` until the earlier ones are final. The daily run
(services.run_collections) selects what is due through partial indexes whose conditions are the
constants RUNNABLE and TO_ANNOUNCE below, so the selection stays one indexed range scan however many
documents wait.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English")), ("de", _("German"))]


class StepKind(models.TextChoices):
    REMINDER = "reminder", pgettext_lazy("collection step", "reminder")
    FORMAL_NOTICE = "formal_notice", pgettext_lazy("collection step", "formal notice")
    LITIGATION = "litigation", pgettext_lazy("collection step", "handover to the collections service")
    QUOTE_FOLLOW_UP = "quote_follow_up", pgettext_lazy("collection step", "quote follow-up")


# Steps that cannot be undone once done: always need the member's OK.
IRREVERSIBLE_KINDS = (StepKind.FORMAL_NOTICE, StepKind.LITIGATION)
INVOICE_KINDS = (StepKind.REMINDER, StepKind.FORMAL_NOTICE, StepKind.LITIGATION)


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("channel", "email")
    LETTER = "letter", pgettext_lazy("channel", "letter (PDF to post)")


class RateBasis(models.TextChoices):
    DEFAULT = "default", _("as printed on invoices (France: 3 × legal rate; Belgium: rate of the law of 2 August 2002)")
    ECB_PLUS_10 = "ecb_plus_10", _("ECB rate + 10 points (France, terms without a rate)")
    CONTRACT = "contract", _("the rate of our terms of sale")


class ActionState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("action state", "scheduled")
    HELD = "held", pgettext_lazy("action state", "on hold")
    APPROVED = "approved", pgettext_lazy("action state", "approved")
    EXECUTED = "executed", pgettext_lazy("action state", "done")
    SKIPPED = "skipped", pgettext_lazy("action state", "skipped")
    CANCELLED = "cancelled", pgettext_lazy("action state", "cancelled")


PENDING = (ActionState.SCHEDULED, ActionState.HELD, ActionState.APPROVED)
FINAL = (ActionState.EXECUTED, ActionState.SKIPPED, ActionState.CANCELLED)

# What the daily run executes (partial index "dunning_action_runnable", on due_on) …
RUNNABLE = Q(blocked=False, paused=False) & (
    Q(state=ActionState.APPROVED) | Q(state=ActionState.SCHEDULED, needs_approval=False)
)
# … and what it announces to the member (partial index "dunning_action_to_announce", on announce_on).
TO_ANNOUNCE = Q(blocked=False, paused=False, state__in=[ActionState.SCHEDULED, ActionState.APPROVED])


class CollectionPlan(models.Model):
    """The entity's collection plan: its steps, and what its terms of sale say about late payment."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Only the active plan schedules actions."))
    rate_basis = models.CharField(_("late-payment interest for businesses"), max_length=12,
                                  choices=RateBasis.choices, default=RateBasis.DEFAULT)
    contract_rate = models.DecimalField(_("rate of the terms (% a year)"), max_digits=5, decimal_places=2,
                                        null=True, blank=True,
                                        validators=[MinValueValidator(0), MaxValueValidator(50)])
    consumer_clause = models.BooleanField(
        _("terms with private clients provide for interest and fixed damages"), default=True,
        help_text=_("In Belgium, interest and fixed damages may be claimed from a private client only if the "
                    "contract provides for them (within the legal caps)."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collection plan")
        verbose_name_plural = _("collection plans")
        ordering = ["entity", "-active", "name"]
        constraints = [
            models.UniqueConstraint(fields=["entity"], condition=Q(active=True), name="dunning_one_active_plan"),
        ]

    def __str__(self):
        return self.name

    @property
    def terms(self):
        from .law import Terms

        return Terms(rate_basis=self.rate_basis, contract_rate=self.contract_rate,
                     consumer_clause=self.consumer_clause)


class PlanStep(models.Model):
    plan = models.ForeignKey(CollectionPlan, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    label = models.CharField(_("name"), max_length=80, blank=True, help_text=_("e.g. First reminder."))
    delay_days = models.SmallIntegerField(
        _("days after the due date"), validators=[MinValueValidator(-60), MaxValueValidator(365)],
        help_text=_("For quote follow-ups: days after the quote was sent."))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    requires_approval = models.BooleanField(
        _("needs the member's OK"), default=False,
        help_text=_("Formal notices and handovers to the collections service always do."))
    announce_days_before = models.PositiveSmallIntegerField(
        _("announce to the member (days before)"), default=3, validators=[MaxValueValidator(30)])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="dunning_step_order_unique")]

    def __str__(self):
        return self.label or str(self.get_kind_display()).capitalize()

    @property
    def entity_id(self):
        return self.plan.entity_id

    @property
    def is_irreversible(self) -> bool:
        return self.kind in IRREVERSIBLE_KINDS


class StepTemplate(models.Model):
    """The member-facing text of a step in one language; without one, the built-in text is used.
    Placeholders: see templates.PLACEHOLDERS."""

    step = models.ForeignKey(PlanStep, on_delete=models.CASCADE, related_name="templates")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))

    class Meta:
        verbose_name = _("step text")
        verbose_name_plural = _("step texts")
        ordering = ["step", "language"]
        constraints = [models.UniqueConstraint(fields=["step", "language"], name="dunning_one_template_per_language")]

    def __str__(self):
        return f"{self.step} ({self.language})"


class ActivityPreference(models.Model):
    """How the members of an activity want collections to run for them."""

    activity = models.OneToOneField("members.Activity", on_delete=models.CASCADE, related_name="+",
                                    primary_key=True)
    ask_before_formal_notice = models.BooleanField(_("ask me before any formal notice"), default=True)
    ask_before_every_step = models.BooleanField(_("ask me before every step, reminders included"), default=False)
    paused = models.BooleanField(_("pause all collections for this activity"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("collection preferences")
        verbose_name_plural = _("collection preferences")

    def __str__(self):
        return str(self.activity_id)


class ClientPreference(models.Model):
    client = models.OneToOneField("clients.Client", on_delete=models.CASCADE, related_name="+", primary_key=True)
    never_remind = models.BooleanField(_("never remind this client automatically"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("client collection preference")
        verbose_name_plural = _("client collection preferences")

    def __str__(self):
        return str(self.client_id)

    @property
    def activity(self):
        return self.client.activity


class AutomatedAction(models.Model):
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, related_name="collection_actions",
                                 db_index=False)
    step = models.ForeignKey(PlanStep, on_delete=models.PROTECT, related_name="actions", db_index=False)
    # copied from the document by the planning statement (the document's own foreign keys guard
    # them): the scoping axes and what the run filters on. No constraint of their own: at a million
    # invoices, each constraint is a million checks when the first plan is made.
    entity = models.ForeignKey("organisation.Entity", on_delete=models.DO_NOTHING, related_name="+",
                               db_index=False, db_constraint=False)
    activity = models.ForeignKey("members.Activity", on_delete=models.DO_NOTHING, related_name="+",
                                 db_index=False, db_constraint=False)
    client = models.ForeignKey("clients.Client", on_delete=models.DO_NOTHING, related_name="+",
                               db_index=False, db_constraint=False)
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    order = models.PositiveSmallIntegerField()
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    announce_days = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(_("planned for"))
    announce_on = models.DateField(_("announced on"))
    state = models.CharField(_("state"), max_length=10, choices=ActionState.choices, default=ActionState.SCHEDULED)
    needs_approval = models.BooleanField(_("needs the member's OK"), default=False)
    paused = models.BooleanField(default=False)  # the activity paused collections
    blocked = models.BooleanField(default=False)  # an earlier step of the document is not done yet
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    executed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    executed_on = models.DateField(_("done on"), null=True, blank=True)  # the run's day
    reason = models.CharField(max_length=20, blank=True)  # why skipped or cancelled
    result = models.JSONField(default=dict, blank=True)  # what was sent, claimed and why
    letter = models.FileField(upload_to="collections/letters/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("automated action")
        verbose_name_plural = _("automated actions")
        ordering = ["due_on", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "step"], name="dunning_one_action_per_document_step"),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=RUNNABLE, name="dunning_action_runnable"),
            # covering: the announcement's grouped read is an index-only scan
            models.Index(fields=["announce_on"], include=["activity", "due_on", "needs_approval"],
                         condition=TO_ANNOUNCE, name="dunning_action_to_announce"),
            models.Index(fields=["activity", "due_on"], condition=Q(state__in=PENDING), name="dunning_action_upcoming"),
            models.Index(fields=["activity", "-updated_at"], condition=Q(state__in=FINAL), name="dunning_action_done"),
        ]

    def __str__(self):
        return f"{self.step} · {self.document_id}"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING

    @property
    def is_final(self) -> bool:
        return self.state in FINAL

    @property
    def waits_for_ok(self) -> bool:
        return self.state == ActionState.SCHEDULED and self.needs_approval


class CaseStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("case status", "new")
    IN_PROGRESS = "in_progress", pgettext_lazy("case status", "in progress")
    SETTLED = "settled", pgettext_lazy("case status", "settled")
    CLOSED = "closed", pgettext_lazy("case status", "closed")


OPEN_CASE = (CaseStatus.NEW, CaseStatus.IN_PROGRESS)


class CollectionCase(models.Model):
    """A client's unpaid invoices handed to the collections service (one open case per client)."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("agent"))
    amount_due = models.DecimalField(_("amount due at handover"), max_digits=14, decimal_places=2, default=0)
    documents = models.ManyToManyField("sales.Document", through="CaseDocument", related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("collections case")
        verbose_name_plural = _("collections cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "status", "-opened_at"], name="dunning_case_queue"),
            models.Index(fields=["activity", "-opened_at"], name="dunning_case_by_activity"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "client"], condition=Q(status__in=OPEN_CASE),
                                    name="dunning_one_open_case_per_client"),
        ]

    def __str__(self):
        return f"C-{self.pk:05d}" if self.pk else "C-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE


class CaseDocument(models.Model):
    case = models.ForeignKey(CollectionCase, on_delete=models.CASCADE, related_name="case_documents")
    document = models.ForeignKey("sales.Document", on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey(AutomatedAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "document"], name="dunning_case_document_once")]

    def __str__(self):
        return f"{self.case} · {self.document_id}"


class CaseNote(models.Model):
    case = models.ForeignKey(CollectionCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("note"))
    for_member = models.BooleanField(_("the member sees it"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:60]


class CaseEvent(models.Model):
    """The case's timeline. ``message`` is an untranslated msgid with ``%(name)s`` params, rendered
    in the reader's language (like the audit log)."""

    case = models.ForeignKey(CollectionCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    for_member = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.kind

    @property
    def text(self) -> str:
        from django.utils.translation import gettext

        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return gettext(self.message)


class CaseFile(models.Model):
    case = models.ForeignKey(CollectionCase, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="collections/cases/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    for_member = models.BooleanField(_("the member sees it"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class CollectionRun(models.Model):
    """One daily run (idempotent: running a day again finds nothing more to do)."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    announced = models.BooleanField(default=False)  # this day's announcements went out
    claimed = models.BooleanField(default=False)  # this day's due actions were handed to execution
    # (that the next day's task is enqueued once is core.schedule's business: ScheduledRun)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return self.day.isoformat()


class PlanningCursor(models.Model):
    """The last document number (per entity, series and year) the run has planned actions for.
    Numbers are gap-free and given in commit order (sales numbering), so a range scan of the
    numbering index past the cursor finds exactly the newly issued invoices and sent quotes."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "series", "year"], name="dunning_one_cursor")]

    def __str__(self):
        return f"{self.entity_id}/{self.series}/{self.year}: {self.last_sequence}"
