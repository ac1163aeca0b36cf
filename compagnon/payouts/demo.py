"""Demo transfers: a batch generated, sent (booked) and settled by a demo bank statement (CSV, in
the account's own columns), through the services, acting as the entity's accountant. What the
batch pays is added by the caller (``compagnon.seeding.transfers``: expense claims)."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone

from compagnon.accounts.models import Role, RoleAssignment
from compagnon.banking import services as banking
from compagnon.banking.models import BankAccount, CsvMapping

from . import services
from .models import PayoutBatch


def _staff(entity, role):
    found = RoleAssignment.objects.filter(role=role, entity=entity).select_related("user").order_by("id").first()
    return found.user if found else None


def _statement(account: BankAccount, lines) -> bytes:
    """A CSV export of the bank in the account's mapping: what left for each transfer."""
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
    for n, line in enumerate(lines, start=1):
        values = {"booking_date": day, "value_date": day, "amount": money(-line.amount), "debit": money(line.amount),
                  "credit": "", "counterparty_name": line.creditor_name, "counterparty_iban": line.iban,
                  "remittance": line.remittance, "bank_reference": f"DEMO-{line.batch_id}-{n}"}
        writer.writerow([values[f] for f, _name in columns])
    return out.getvalue().encode(mapping.encoding or "utf-8")


@transaction.atomic
def send_and_settle(batch: PayoutBatch, accountant) -> PayoutBatch:
    """Generate the demo batch's file, mark it sent (booked) and import the bank's CSV statement
    that shows every transfer (matched by amount, communication and IBAN)."""
    services.generate(actor=accountant, batch=batch)
    batch = services.mark_sent(actor=accountant, batch=batch)
    data = _statement(batch.account, list(batch.lines.order_by("position")))
    banking.import_statement(actor=accountant, account=batch.account, data=data,
                             filename="releve-virements-demo.csv")
    batch.refresh_from_db()
    return batch


def demo_batch(entity):
    """A batch for the demo (the entity's first account, today), its accountant — or ``None``
    when the entity has no account with CSV columns, no accountant, or batches already."""
    account = BankAccount.objects.filter(entity=entity, active=True).order_by("id").first()
    accountant = _staff(entity, Role.ACCOUNTANT)
    if (account is None or accountant is None or PayoutBatch.objects.filter(entity=entity).exists()
            or not CsvMapping.objects.filter(account=account).exists()):
        return None, None
    return services.create_batch(actor=accountant, account=account,
                                 requested_execution_date=timezone.localdate()), accountant
