"""Salaries of the members (French *entrepreneurs salariés* of a CAE, Belgian employees of a shared
enterprise): employment contracts, monthly salary requests, the month's payroll (cut-off, the
variables exported to the payroll provider or social secretariat, the journal imported back and
posted), net pay transfers and payslips.

A month of an entity goes: open (members ask, advisors approve) → frozen at the cut-off day (the
approved requests are what the variables file says) → posted (the provider's journal is imported
and booked) → paid (each net transfer settled by the bank).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0")


class PayrollSettings(models.Model):
    """Per entity: the cut-off day and who makes the payslips."""

    entity = models.OneToOneField("organisation.Entity", on_delete=models.CASCADE, related_name="payroll_settings",
                                  verbose_name=_("entity"))
    cutoff_day = models.PositiveSmallIntegerField(
        _("payroll cut-off day"), default=20, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("After this day of the month, the month's salary requests are frozen and sent to the payroll "
                    "provider."))
    provider = models.CharField(_("payroll provider or social secretariat"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("payroll settings")
        verbose_name_plural = _("payroll settings")

    def __str__(self):
        return str(self.entity_id)


class Employee(models.Model):
    """A member as the payroll knows them: the employee id used by the provider and what the
    simulation needs (French personal withholding rate; Belgian dependent children)."""

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, related_name="payroll",
                                  verbose_name=_("member"))
    entity = models.ForeignKey("organisation.Entity", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("entity"))
    employee_id = models.CharField(_("employee id"), max_length=30,
                                   help_text=_("The number the payroll provider gives this employee."))
    withholding_rate = models.DecimalField(
        _("personal withholding rate (%)"), max_digits=5, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("60"))],
        help_text=_("France: the rate shown in your space on impots.gouv.fr."))
    children = models.PositiveSmallIntegerField(_("dependent children"), default=0,
                                                validators=[MaxValueValidator(20)])

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [models.UniqueConstraint(fields=["entity", "employee_id"], name="payroll_employee_id_unique")]

    def __str__(self):
        return f"{self.employee_id} {self.member}"


class ContractKind(models.TextChoices):
    CAPE = "cape", pgettext_lazy("contract", "CAPE (business support contract)")
    CESA = "cesa", pgettext_lazy("contract", "CESA (employee-entrepreneur contract)")
    BE_FIXED = "be_fixed", pgettext_lazy("contract", "employment contract for a fixed term or task")
    BE_OPEN = "be_open", pgettext_lazy("contract", "employment contract of indefinite duration")


KINDS_OF = {"FR": (ContractKind.CAPE, ContractKind.CESA), "BE": (ContractKind.BE_FIXED, ContractKind.BE_OPEN)}
SALARIED = (ContractKind.CESA, ContractKind.BE_FIXED, ContractKind.BE_OPEN)


class Contract(models.Model):
    """A step of the member's path: in France a CAPE (support, no salary) then a CESA (employee and
    entrepreneur); in Belgium an employment contract per engagement."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="contracts",
                               verbose_name=_("member"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("activity"))
    kind = models.CharField(_("contract"), max_length=10, choices=ContractKind.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    hours_per_month = models.DecimalField(_("hours per month"), max_digits=6, decimal_places=2, null=True, blank=True,
                                          validators=[MinValueValidator(ZERO)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employment contract")
        verbose_name_plural = _("employment contracts")
        ordering = ["member_id", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                   name="payroll_contract_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start}"

    def covers(self, first_day, last_day) -> bool:
        return self.start <= last_day and (self.end is None or self.end >= first_day)


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("salary request", "waiting for approval")
    APPROVED = "approved", pgettext_lazy("salary request", "approved")
    REFUSED = "refused", pgettext_lazy("salary request", "refused")
    CANCELLED = "cancelled", pgettext_lazy("salary request", "cancelled")
    FROZEN = "frozen", pgettext_lazy("salary request", "sent to payroll")
    POSTED = "posted", pgettext_lazy("salary request", "on the payslip")
    PAID = "paid", pgettext_lazy("salary request", "paid")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.APPROVED, RequestState.FROZEN)


class SalaryRequest(models.Model):
    """What a member asks to be paid for a month out of one activity's budget, at employer cost
    (the simulation's gross and net are kept as the estimate the member saw)."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="salary_requests",
                               verbose_name=_("member"))
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="salary_requests",
                                 verbose_name=_("activity"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    state = models.CharField(_("state"), max_length=10, choices=RequestState.choices, default=RequestState.SUBMITTED)
    employer_cost = models.DecimalField(_("taken from the budget"), max_digits=12, decimal_places=2)
    gross = models.DecimalField(_("gross (estimate)"), max_digits=12, decimal_places=2)
    net = models.DecimalField(_("net (estimate)"), max_digits=12, decimal_places=2)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    expenses = models.DecimalField(_("allowances on the payslip"), max_digits=12, decimal_places=2, default=ZERO,
                                   validators=[MinValueValidator(ZERO)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    refusal_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("salary request")
        verbose_name_plural = _("salary requests")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "activity", "month"],
                                    condition=Q(state__in=["submitted", "approved", "frozen", "posted", "paid"]),
                                    name="payroll_one_request_per_month"),
            models.CheckConstraint(condition=Q(employer_cost__gt=0), name="payroll_request_positive"),
        ]
        indexes = [models.Index(fields=["entity", "month", "state"], name="payroll_request_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.member} {self.employer_cost}"


class PayrollMonth(models.Model):
    """One month of one entity's payroll: frozen at the cut-off, exported, posted."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    month = models.DateField(_("month"))
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    exported_at = models.DateTimeField(_("variables exported"), null=True, blank=True)

    class Meta:
        verbose_name = _("payroll month")
        verbose_name_plural = _("payroll months")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["entity", "month"], name="payroll_month_unique")]

    def __str__(self):
        return f"{self.entity_id} {self.month:%Y-%m}"


def upload_path(instance, filename):
    return f"payroll/{instance.entity_id}/{instance.month:%Y%m}/{instance.sha256[:16]}-{filename[-60:]}"


class ImportState(models.TextChoices):
    REJECTED = "rejected", pgettext_lazy("payroll import", "rejected")
    POSTED = "posted", pgettext_lazy("payroll import", "posted")


class JournalImport(models.Model):
    """A payroll journal file from the provider. Kept even when refused (with the lines named)."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    month = models.DateField(_("month"))
    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=ImportState.choices)
    errors = models.JSONField(default=list, blank=True)
    differences = models.JSONField(default=list, blank=True)
    entry = models.ForeignKey("ledger.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    gross = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    employer_contributions = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    net = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payroll journal import")
        verbose_name_plural = _("payroll journal imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "month"], condition=Q(state="posted"),
                                    name="payroll_one_journal_per_month"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.filename}"


class PayLine(models.Model):
    """One employee and activity of a posted journal: what the payslip says."""

    journal = models.ForeignKey(JournalImport, on_delete=models.CASCADE, related_name="lines")
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="pay_lines")
    activity = models.ForeignKey("members.Activity", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(SalaryRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines")
    month = models.DateField()
    gross = models.DecimalField(_("gross"), max_digits=12, decimal_places=2)
    employee_contributions = models.DecimalField(_("employee contributions"), max_digits=12, decimal_places=2)
    employer_contributions = models.DecimalField(_("employer contributions"), max_digits=12, decimal_places=2)
    other_bodies = models.DecimalField(_("of which other social bodies"), max_digits=12, decimal_places=2,
                                       default=ZERO)
    withholding = models.DecimalField(_("withholding"), max_digits=12, decimal_places=2)
    net = models.DecimalField(_("net paid"), max_digits=12, decimal_places=2)
    payout_line = models.ForeignKey("payouts.PayoutLine", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        ordering = ["month", "member_id", "activity_id"]
        indexes = [models.Index(fields=["entity", "month"], name="payroll_line_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.member_id} {self.gross}"

    @property
    def employer_cost(self) -> Decimal:
        return self.gross + self.employer_contributions


def payslip_path(instance, filename):
    return f"payslips/{instance.entity_id}/{instance.month:%Y%m}/{filename}"


class PayslipBatch(models.Model):
    """The one PDF of all payslips of a month, as the provider sent it, and what could not be matched."""

    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))
    month = models.DateField(_("month"))
    file = models.FileField(_("file"), upload_to=payslip_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(_("pages that match nobody"), default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payslip file")
        verbose_name_plural = _("payslip files")
        ordering = ["-month", "-id"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.filename}"


class Payslip(models.Model):
    batch = models.ForeignKey(PayslipBatch, on_delete=models.CASCADE, related_name="payslips")
    entity = models.ForeignKey("organisation.Entity", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="payslips",
                               verbose_name=_("member"))
    month = models.DateField(_("month"))
    file = models.FileField(upload_to=payslip_path, max_length=255)
    pages = models.JSONField(default=list)  # page numbers (from 1) in the batch's file
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payslip")
        verbose_name_plural = _("payslips")
        ordering = ["-month", "-id"]
        indexes = [models.Index(fields=["member", "month"], name="payslip_by_member")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.member}"
