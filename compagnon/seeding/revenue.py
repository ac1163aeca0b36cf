"""Demo: cashed revenue this year for the members the payroll demo pays, so their budget can carry
the salary month it shows.

For each activity given: a few invoices of the activity's trade issued to its clients (through
the sales services, as the member), and one bank statement of the entity's account (a CSV in the
account's own columns, imported by its accountant) whose money-in lines name each invoice's
structured communication (Belgium) or RF reference (France). The payments matching then settles
the invoices and the budget books the cooperative's contribution on the cash, as for any client
payment. Here, above sales, banking and payments, because it needs all three."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone, translation

from compagnon import jurisdictions
from compagnon.accounts.models import Role, RoleAssignment
from compagnon.banking import services as banking
from compagnon.banking.models import BankAccount, CsvMapping
from compagnon.sales import payment
from compagnon.sales import services as sales
from compagnon.sales.demo import DEFAULT_JOBS, JOBS
from compagnon.sales.models import Document, Kind, PaymentState

# excl. VAT: about 8,700 € cashed this year, a season of work for a member starting out
TARGETS = (Decimal("3200"), Decimal("2900"), Decimal("2600"))
TITLES = {"FR": "Contrat de la saison", "BE": "Seizoenscontract / Contrat de saison"}
PAYER_IBANS = ("FR7610107001011234567890129", "BE71096123456769", "BE62510007547061")
MARK = "DEMO-REVENUE"  # in the statement's file name: the demo pays once


def _hours_job(activity):
    jobs = JOBS.get(activity.trade.code if activity.trade_id else "", DEFAULT_JOBS)
    return next((job for job in jobs if job[1] != "LS"), DEFAULT_JOBS[0])


def _invoice(activity, user, client, target: Decimal) -> Document:
    description, unit, price = _hours_job(activity)
    rate = jurisdictions.get(activity.entity.jurisdiction).vat_rates[0].rate
    quantity = (target / price).quantize(Decimal("0.5"), rounding=ROUND_HALF_UP)
    document = sales.create_document(actor=user, activity=activity, client=client, kind=Kind.INVOICE,
                                     title=TITLES.get(activity.entity.jurisdiction, ""),
                                     lines=[{"description": description, "quantity": quantity, "unit": unit,
                                             "unit_price": price, "vat_category": "S", "vat_rate": rate}])
    return sales.issue_document(actor=user, document=document)


def _statement(account: BankAccount, invoices: list[Document]) -> bytes:
    """The bank's CSV export, in the account's columns: a client's transfer per invoice."""
    mapping = CsvMapping.objects.get(account=account)
    day = timezone.localdate().strftime(mapping.date_format)

    def money(value):
        text = f"{value:.2f}"
        return text.replace(".", ",") if mapping.decimal_comma else text

    fields = ["booking_date", "value_date", "amount", "debit", "credit", "counterparty_name", "counterparty_iban",
              "remittance", "bank_reference"]
    columns = [(f, getattr(mapping, f)) for f in fields if getattr(mapping, f, "")]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=mapping.delimiter)
    writer.writerow([name for _f, name in columns])
    for n, invoice in enumerate(invoices):
        kind = payment.STRUCTURED if invoice.entity.jurisdiction == "BE" else payment.CREDITOR
        reference = payment.display(kind, invoice.payment_reference) if invoice.payment_reference else invoice.number
        values = {"booking_date": day, "value_date": day, "amount": money(invoice.payable), "debit": "",
                  "credit": money(invoice.payable), "counterparty_name": invoice.client.name[:70],
                  "counterparty_iban": PAYER_IBANS[n % len(PAYER_IBANS)], "remittance": reference,
                  "bank_reference": f"{MARK}-{invoice.pk}"}
        writer.writerow([values[f] for f, _name in columns])
    return out.getvalue().encode(mapping.encoding or "utf-8")


@transaction.atomic
def seed_demo_revenue(activities) -> list[Document]:
    """Invoices of each activity in ``activities`` (one per entity at most, the first of each
    country) paid by its clients on a demo statement. Idempotent (nothing for an entity whose
    account already has the demo statement); returns the invoices paid."""
    paid, done = [], set()
    for activity in activities:
        entity = activity.entity
        if entity.pk in done:
            continue
        done.add(entity.pk)
        account = BankAccount.objects.filter(entity=entity, active=True).order_by("id").first()
        accountant = (RoleAssignment.objects.filter(entity=entity, role=Role.ACCOUNTANT).select_related("user")
                      .order_by("id").first())
        holder = activity.memberships.filter(role="holder").select_related("member__user").first()
        clients = list(activity.clients.filter(archived=False).order_by("id")[:3])
        if (account is None or accountant is None or holder is None or not clients
                or not CsvMapping.objects.filter(account=account).exists()
                or account.statements.filter(filename__startswith=MARK).exists()):
            continue
        # entry labels (matching, contribution) are written in the words of the entity's books
        with translation.override(entity.default_language or "fr"):
            invoices = [_invoice(activity, holder.member.user, clients[i % len(clients)], target)
                        for i, target in enumerate(TARGETS)]
            banking.import_statement(actor=accountant.user, account=account, data=_statement(account, invoices),
                                     filename=f"{MARK}-{timezone.localdate():%Y%m%d}.csv")
        paid += list(Document.objects.filter(pk__in=[d.pk for d in invoices], payment_state=PaymentState.PAID))
    return paid
