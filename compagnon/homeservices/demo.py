"""Demo home services, after the fieldwork and interventions demos: the first French home-services
contract gets last month invoiced automatically (its member chose "send automatically unless I
hold it": the invoice is issued, and sent when the portal's sender is registered), a payment of
it, and the client's tax certificate for last year. Idempotent: run again, nothing more.

    from compagnon.homeservices.demo import seed_demo_homeservices
    seed_demo_homeservices(list(Activity.objects.filter(entity__jurisdiction="FR")))

The payment is dated 30 December of last year so that the demo has a certificate to show in any
month; the certificate counts it like any payment allocated to the invoice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compagnon.fieldwork.models import Contract, ContractState, Visit, VisitState
from compagnon.interventions.models import Sheet, SheetState, SheetTask

from . import certificates, invoicing
from .models import Certificate, FieldInvoice, FieldInvoiceState, HomeServicesSettings

TASKS = (
    ("Tonte de la pelouse", "Taille des haies"),
    ("Désherbage des massifs", "Ramassage des feuilles"),
)


def seed_demo_homeservices(activities) -> Certificate | None:
    contract = (
        Contract.objects.filter(
            activity__in=activities,
            home_services=True,
            member__isnull=False,
            activity__entity__jurisdiction="FR",
        )
        .select_related("activity__entity", "client", "member__user")
        .order_by("id")
        .first()
    )
    if contract is None:
        return None
    entity = contract.activity.entity
    HomeServicesSettings.objects.get_or_create(
        entity=entity,
        defaults={"sap_number": f"SAP{entity.company_number}", "signatory": entity.legal_name},
    )
    if contract.state != ContractState.ACTIVE:
        contract.state = ContractState.ACTIVE
        contract.save(update_fields=["state"])
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    invoice = FieldInvoice.objects.filter(contract=contract, period_start=last_month).first()
    if invoice is None:
        invoice = _invoice_last_month(contract, last_month, today)
    if invoice is None or invoice.state != FieldInvoiceState.ISSUED:
        return None
    year = today.year - 1
    _paid(invoice.document, datetime.date(year, 12, 30))
    certificates.issue_for_year(year=year, client_ids=[contract.client_id])
    return Certificate.objects.filter(
        client=contract.client, year=year, superseded_at__isnull=True
    ).first()


def _invoice_last_month(
    contract, month: datetime.date, today: datetime.date
) -> FieldInvoice | None:
    for i, (day, tasks) in enumerate(
        (
            (month + datetime.timedelta(days=6), TASKS[0]),
            (month + datetime.timedelta(days=20), TASKS[1]),
        )
    ):
        visit = Visit.objects.create(
            activity=contract.activity,
            client=contract.client,
            contract=contract,
            sector=contract.sector,
            member=contract.member,
            state=VisitState.DONE,
            day=day,
            minutes=120,
            street=contract.street,
            postcode=contract.postcode,
            city=contract.city,
            latitude=contract.latitude,
            longitude=contract.longitude,
        )
        sheet = Sheet.objects.create(
            visit=visit,
            state=SheetState.VALIDATED,
            minutes=105 + 15 * i,
            member_validated_at=timezone.now(),
            validated_at=timezone.now(),
            remarks="Déchets verts emportés en déchèterie.",
        )
        for position, name in enumerate(tasks):
            SheetTask.objects.create(sheet=sheet, name=name, position=position)
        invoicing.add_sheet(sheet=sheet)
    invoicing.set_preference(
        actor=contract.member.user, activity=contract.activity, send_automatically=True
    )
    invoicing.prepare(today)
    invoicing.prepare(today + datetime.timedelta(days=1))  # the day after the announcement: it goes
    return FieldInvoice.objects.filter(contract=contract, period_start=month).first()


def _paid(document, on: datetime.date) -> None:
    from compagnon.accounts.models import Role, RoleAssignment
    from compagnon.banking.models import BankAccount, BankStatement, BankTransaction
    from compagnon.ledger import services as ledger
    from compagnon.payments import services as payments
    from compagnon.payments.models import Allocation

    if Allocation.objects.filter(document=document, reversed_at__isnull=True).exists():
        return
    accountant = RoleAssignment.objects.filter(
        entity=document.entity, role__in=[Role.ACCOUNTANT, Role.ADMIN]
    ).first()
    account = BankAccount.objects.filter(entity=document.entity).first()
    if accountant is None or account is None:
        return
    # entry labels (bank, matching, contribution) in the words of the entity's books
    with translation.override(document.entity.default_language or "fr"):
        statement = BankStatement.objects.create(
            account=account,
            format="csv",
            file="statements/demo-homeservices.csv",
            filename="demo-homeservices.csv",
            sha256="0" * 64,
        )
        amount = Decimal(document.payable)
        t = BankTransaction.objects.create(
            account=account,
            statement=statement,
            fingerprint=f"demo-hs-{document.pk}",
            amount=amount,
            booking_date=on,
            remittance=document.number,
            counterparty_name=document.client.name,
        )
        ledger.post_entry(
            actor=None,
            entity=document.entity,
            journal_code="bank",
            date=timezone.localdate(),
            label=_("Bank statement %(statement)s, %(account)s")
            % {"statement": statement.filename, "account": account.name},
            source=t,
            kind="bank",
            lines=[
                ledger.LineSpec(role="bank", debit=amount),
                ledger.LineSpec(role="suspense", credit=amount),
            ],
        )
        payments.allocate(actor=accountant.user, transaction=t, items=[(document, amount)])
