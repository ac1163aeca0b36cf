"""Demo data: one salary month for a French and a Belgian member — contract, request approved and
frozen, the provider's journal imported and posted, and the payslips split from one PDF."""

from __future__ import annotations

import datetime
from decimal import ROUND_FLOOR, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

ZERO = Decimal("0")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def simple_pdf(pages: list[list[str]]) -> bytes:
    """A small valid PDF, one page per list of text lines (Helvetica, WinAnsi text): what a
    payroll provider's payslip file looks like to a text extractor. For demo data and tests."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R "
                       f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode())
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
        for line in lines:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252", errors="replace")
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def payslip_page(member, employee_id: str, month: datetime.date, line) -> list[str]:
    return [f"Bulletin de paie / Loonbrief {month:%m/%Y}", f"Matricule: {employee_id}",
            f"{member.user.first_name} {member.user.last_name}", f"Brut: {line['gross']}",
            f"Net a payer: {line['net']}"]


def journal_csv(rows: list[dict]) -> bytes:
    head = "month;employee_id;activity_id;gross;employee_contributions;employer_contributions;other_bodies;" \
           "withholding;net"
    out = [head]
    for r in rows:
        out.append(";".join(str(r.get(k, "")) for k in head.split(";")))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def line_from_simulation(sim, month, employee_id, activity_id) -> dict:
    return {"month": month.strftime("%Y-%m"), "employee_id": employee_id, "activity_id": activity_id,
            "gross": sim.gross, "employee_contributions": sim.employee_total,
            "employer_contributions": sim.employer_total, "other_bodies": sim.other_bodies,
            "withholding": sim.withholding, "net": sim.net}


def seed_demo_payroll(activities) -> None:
    """For the first activity of each country that has money: the member's contract, a salary
    request of this month approved, frozen, exported, its journal posted and its payslip."""
    from compagnon.accounts.models import Role, RoleAssignment

    from . import journal, payslips, services
    from .models import ContractKind, Employee, SalaryRequest

    today = timezone.localdate()
    month = services.first_day(today)
    done = set()
    for activity in activities:
        entity = activity.entity
        if entity.jurisdiction in done:
            continue
        membership = activity.memberships.select_related("member__user").first()
        if membership is None:
            continue
        member = membership.member
        staff = RoleAssignment.objects.filter(entity=entity, role__in=[Role.ADMIN, Role.ACCOUNTANT]).select_related(
            "user").first()
        actor = staff.user if staff else None
        # what the budget allows now (the revenue demo has the member's clients pay first): at most
        # 2,400 € and 60 % of it, so the salary, the reserve it adds and later costs leave the
        # budget positive; no salary month at all when the books have not cashed enough
        room = services.room_for(member, activity)
        amount = min(Decimal("2400.00"), (room * Decimal("0.6") / 50).to_integral_value(ROUND_FLOOR) * 50)
        if amount < Decimal("500"):
            continue
        Employee.objects.get_or_create(member=member, defaults={
            "entity": entity, "employee_id": f"E{member.number}",
            "withholding_rate": Decimal("4.5") if entity.jurisdiction == "FR" else ZERO})
        kind = ContractKind.CESA if entity.jurisdiction == "FR" else ContractKind.BE_OPEN
        from .models import Contract

        if entity.jurisdiction == "FR" and not Contract.objects.filter(member=member).exists():
            Contract.objects.create(entity=entity, member=member, kind=ContractKind.CAPE,
                                    start=month - datetime.timedelta(days=400), end=month - datetime.timedelta(days=200),
                                    reference="CAPE-DEMO")
        Contract.objects.get_or_create(member=member, kind=kind, defaults={
            "entity": entity, "start": month - datetime.timedelta(days=199), "activity": activity,
            "reference": f"{kind.upper()}-DEMO", "hours_per_month": Decimal("151.67")})
        sim = services.simulate_for(member, entity, month, employer_cost=amount)
        request = SalaryRequest.objects.create(
            entity=entity, member=member, activity=activity, month=month, employer_cost=sim.employer_cost,
            gross=sim.gross, net=sim.net, state="approved", created_by=member.user, decided_at=timezone.now())
        from .models import PayrollMonth

        PayrollMonth.objects.get_or_create(entity=entity, month=month)
        SalaryRequest.objects.filter(pk=request.pk).update(state="frozen")
        PayrollMonth.objects.filter(entity=entity, month=month).update(frozen_at=timezone.now(),
                                                                     exported_at=timezone.now())
        employee_id = f"E{member.number}"
        row = line_from_simulation(sim, month, employee_id, activity.pk)
        data = journal_csv([row])
        lines, errors = journal.parse(entity, month, data)
        if errors:
            raise RuntimeError(errors)
        journal._post(actor, entity, month, f"journal-{month:%Y-%m}.csv", "demo", data, lines)
        pdf = simple_pdf([payslip_page(member, employee_id, month, row), ["Page sans matricule / annexe"]])
        if actor is not None:
            payslips.upload_payslips(actor=actor, entity=entity, month=month,
                                     upload=SimpleUploadedFile("payslips.pdf", pdf, content_type="application/pdf"))
        done.add(entity.jurisdiction)
