"""A small cooperative whose members have money in their budget and an employment contract."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from compagnon.accounts.models import Role
from compagnon.core.tests.factories import OfficeFactory, advisor_of, member_with_activity, staff
from compagnon.ledger.tests.factories import books, post_payment, post_sale
from compagnon.payroll import services
from compagnon.payroll.demo import journal_csv, line_from_simulation, simple_pdf
from compagnon.payroll.models import Contract, ContractKind, Employee

D = Decimal


def fund(activity, net=None):
    net = net or D("10000")
    rate = D("21") if activity.entity.jurisdiction == "BE" else D("20")
    day = timezone.localdate() - datetime.timedelta(days=2)
    post_sale(activity, net=net, rate=rate, date=day)
    post_payment(activity, amount=net + net * rate / 100, date=day)


def hire(member, activity=None):
    kind = ContractKind.CESA if member.entity.jurisdiction == "FR" else ContractKind.BE_OPEN
    return Contract.objects.create(entity=member.entity, member=member, kind=kind, activity=activity,
                                   start=timezone.localdate() - datetime.timedelta(days=90))


def cooperative(belgian=False):
    office = OfficeFactory(entity__belgian=True) if belgian else OfficeFactory()
    entity = books(office.entity)
    camille, activity = member_with_activity(office, maturity="new")
    yanis, yanis_activity = member_with_activity(office, maturity="established")
    for member, a in ((camille, activity), (yanis, yanis_activity)):
        fund(a)
        hire(member, a)
        Employee.objects.create(member=member, entity=entity, employee_id=f"X{member.number}")
    return {"office": office, "entity": entity, "camille": camille, "activity": activity, "yanis": yanis,
            "yanis_activity": yanis_activity, "advisor": advisor_of(office),
            "accountant": staff(Role.ACCOUNTANT, entity), "admin": staff(Role.ADMIN, entity)}


def this_month():
    return services.first_day(timezone.localdate())


def ask(member, activity, amount="2000.00", **kw):
    return services.request_salary(actor=member.user, activity=activity, month=this_month(),
                                   employer_cost=amount, **kw)


def csv_upload(rows, name="journal.csv"):
    return SimpleUploadedFile(name, journal_csv(rows), content_type="text/csv")


def line_for(request, **changes):
    """The provider's journal line for an approved request (the simulation's figures)."""
    sim = services.simulate_for(request.member, request.entity, request.month, employer_cost=request.employer_cost)
    row = line_from_simulation(sim, request.month, Employee.objects.get(member=request.member).employee_id,
                               request.activity_id)
    row.update(changes)
    return row


def pdf_upload(pages, name="payslips.pdf"):
    return SimpleUploadedFile(name, simple_pdf(pages), content_type="application/pdf")
