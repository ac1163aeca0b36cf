"""The payroll journal from the provider (FR) or social secretariat (BE): imported, checked line by
line, posted in the books per activity and compared with the approved requests.

All or nothing: a file with one bad line is kept (``JournalImport`` "rejected", each bad line named
with the rule it breaks) and nothing else is saved. A good file posts ONE entry in the
miscellaneous-operations journal, dated the last day of the month, with, per employee and
activity (docs/payroll.md, "Journal file"):

    France                                   Belgium
    641  salaries          D gross           620  remuneration         D gross
    645  social charges    D employer        621  employer's ONSS      D employer
    421  net payable       C net             455  remuneration payable C net

and, for the whole month (no activity: the bodies are paid globally)

    431  URSSAF            C social − other  454  ONSS                 C social − other
    437  other bodies      C other           459  other social debts   C other
    4421 withholding (PAS) C withholding     453  withholding tax      C withholding

(accounts by their roles in ``jurisdictions.charts``). The budget of each activity reads the
salaries at employer cost from the 641/645 (620/621) lines on its axis.
"""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.jurisdictions import charts
from compagnon.ledger.services import LineSpec, ensure_chart, post_entry
from compagnon.members.models import Activity, ActivityMembership, Member

from .models import Employee, ImportState, JournalImport, PayLine, RequestState, SalaryRequest
from .services import last_day, parse_month

ZERO = Decimal("0")
MAX_BYTES = 20 * 1024 * 1024
REQUIRED = ["employee_id", "gross", "employee_contributions", "employer_contributions", "withholding", "net"]
OPTIONAL = ["month", "activity_id", "other_bodies", "name"]
AMOUNTS = ["gross", "employee_contributions", "employer_contributions", "other_bodies", "withholding", "net"]


def _amount(text: str) -> Decimal:
    """"1234.56", "1 234,56" or "1234,56" → Decimal; raises ValueError."""
    value = (text or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not value:
        return ZERO
    if "," in value and "." in value:
        value = value.replace(".", "").replace(",", ".") if value.rfind(",") > value.rfind(".") else value.replace(",", "")
    else:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise ValueError(text)
    return number


def _rows(data: bytes):
    text = data.decode("utf-8-sig")
    head = text.split("\n", 1)[0]
    delimiter = ";" if head.count(";") >= head.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _people(entity):
    """{employee id: member id} (the provider's ids, else the member numbers) and each member's
    activities."""
    by_id = {number: pk for pk, number in Member.objects.filter(entity=entity).values_list("pk", "number")}
    by_id.update(dict(Employee.objects.filter(entity=entity).values_list("employee_id", "member_id")))
    activities: dict[int, set[int]] = {}
    for member_id, activity_id in ActivityMembership.objects.filter(member__entity=entity).values_list(
            "member_id", "activity_id"):
        activities.setdefault(member_id, set()).add(activity_id)
    return by_id, activities


def parse(entity, month, data: bytes):
    """(lines, errors): the checked lines as dicts, or the errors, each naming its line."""
    errors: list[str] = []
    try:
        reader = _rows(data)
        header = [h.strip() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text: export it as CSV (UTF-8).")]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [_("The first line must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}]
    by_id, activities = _people(entity)
    requested: dict[int, list[tuple[int, int]]] = {}
    for pk, member_id, activity_id in SalaryRequest.objects.filter(
            entity=entity, month=month, state=RequestState.FROZEN).values_list("pk", "member_id", "activity_id"):
        requested.setdefault(member_id, []).append((activity_id, pk))
    lines, seen = [], {}
    for number, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        problems = []
        if row.get("month") and parse_month(row["month"]) != month:
            problems.append(_("the month %(value)s is not %(month)s") % {"value": row["month"],
                                                                        "month": month.strftime("%Y-%m")})
        member_id = by_id.get(row.get("employee_id", ""))
        if member_id is None:
            problems.append(_("no employee has the id %(id)s") % {"id": row.get("employee_id") or "—"})
        values = {}
        for column in AMOUNTS:
            try:
                values[column] = _amount(row.get(column, ""))
            except ValueError:
                problems.append(_("%(column)s %(value)s is not an amount (e.g. 1234.56)")
                                % {"column": column, "value": row.get(column)})
                continue
            if values[column] < 0:
                problems.append(_("%(column)s is negative") % {"column": column})
        activity_id = None
        if member_id is not None:
            if row.get("activity_id"):
                try:
                    activity_id = int(row["activity_id"])
                except ValueError:
                    activity_id = -1
                if activity_id not in activities.get(member_id, set()):
                    problems.append(_("activity %(activity)s is not an activity of employee %(id)s")
                                    % {"activity": row["activity_id"], "id": row["employee_id"]})
            else:
                asked = requested.get(member_id, [])
                mine = activities.get(member_id, set())
                if len(asked) == 1:
                    activity_id = asked[0][0]
                elif len(mine) == 1:
                    activity_id = next(iter(mine))
                else:
                    problems.append(_("employee %(id)s works in several activities: give the activity_id")
                                    % {"id": row["employee_id"]})
        if not problems and len(values) == len(AMOUNTS):
            expected = values["gross"] - values["employee_contributions"] - values["withholding"]
            if values["net"] != expected:
                problems.append(_("net %(net)s is not gross − employee contributions − withholding (%(expected)s)")
                                % {"net": values["net"], "expected": expected})
            if values["other_bodies"] > values["employee_contributions"] + values["employer_contributions"]:
                problems.append(_("other_bodies is more than all the contributions"))
            if values["gross"] <= 0:
                problems.append(_("the gross must be more than 0"))
        key = (member_id, activity_id)
        if not problems and key in seen:
            problems.append(_("the same employee and activity as line %(line)s") % {"line": seen[key]})
        if problems:
            errors.append(_("Line %(line)s: %(problems)s.") % {"line": number, "problems": "; ".join(problems)})
            continue
        seen[key] = number
        lines.append({"line": number, "employee_id": row["employee_id"], "member_id": member_id,
                      "activity_id": activity_id, **values})
    if not lines and not errors:
        errors.append(_("The file has no salary line."))
    return lines, errors


def _role(jurisdiction: str, role: str, fallback: str) -> str:
    return role if role in charts.roles(jurisdiction) else fallback


def entry_lines(entity, pay_lines, activities, month) -> list[LineSpec]:
    """Per employee and activity: the gross and the employer contributions (the activity's cost,
    read by its budget) and the net payable (settled by the net transfer on the same axis). The
    social bodies and the tax office are paid globally: one line each for the whole month."""
    country = entity.jurisdiction
    other_role = _role(country, "social_other", "social_security")
    out = []
    totals = {"social_security": ZERO, other_role: ZERO, "withholding_tax": ZERO}
    for p in pay_lines:
        activity = activities[p.activity_id]
        label = f"{p.month:%Y-%m} {p.employee_id}"[:200]
        for role, debit, credit in (
            ("salaries", p.gross, ZERO),
            ("social_charges", p.employer_contributions, ZERO),
            ("salaries_payable", ZERO, p.net),
        ):
            if debit or credit:
                out.append(LineSpec(role=role, debit=debit, credit=credit, activity=activity, label=label))
        totals["social_security"] += p.employee_contributions + p.employer_contributions - p.other_bodies
        totals[other_role] += p.other_bodies
        totals["withholding_tax"] += p.withholding
    label = _("Salaries %(month)s") % {"month": month.strftime("%m/%Y")}
    for role, amount in totals.items():
        if amount:
            out.append(LineSpec(role=role, credit=amount, label=label))
    return out


def _differences(entity, month, pay_lines, members) -> list[dict]:
    """The journal against the requests frozen for the month: employer cost posted vs asked,
    lines nobody asked for, requests the journal left out."""
    out = []
    requests = {(member_id, activity_id): (pk, cost) for pk, member_id, activity_id, cost in
                SalaryRequest.objects.filter(entity=entity, month=month, state=RequestState.FROZEN).values_list(
                    "pk", "member_id", "activity_id", "employer_cost")}
    for p in pay_lines:
        found = requests.pop((p.member_id, p.activity_id), None)
        posted = p.gross + p.employer_contributions
        if found is None:
            out.append({"employee_id": p.employee_id, "member": members.get(p.member_id, ""),
                        "activity": p.activity_id, "requested": None, "posted": str(posted), "kind": "not_requested"})
            continue
        p.request_id, cost = found
        if posted != cost:
            out.append({"employee_id": p.employee_id, "member": members.get(p.member_id, ""),
                        "activity": p.activity_id, "request": p.request_id, "requested": str(cost),
                        "posted": str(posted), "difference": str(posted - cost), "kind": "amount"})
    for (member_id, activity_id), (pk, cost) in requests.items():
        out.append({"employee_id": "", "member": members.get(member_id, ""), "activity": activity_id,
                    "request": pk, "requested": str(cost), "posted": None, "kind": "missing"})
    return out


def import_journal(*, actor, entity, month, upload) -> JournalImport:
    """Keep the file; check it; post it if every line is good (else nothing but the rejected file
    and its errors is saved). Returns the import, ``state`` telling which."""
    require(actor, "payroll.run", entity)
    month = parse_month(month)
    if month is None:
        raise ValidationError({"month": _("Choose the month.")})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    name = (getattr(upload, "name", "") or "journal.csv").replace("\\", "/").rsplit("/", 1)[-1][:200]
    digest = hashlib.sha256(data).hexdigest()
    lines, errors = parse(entity, month, data)
    if not errors and JournalImport.objects.filter(entity=entity, month=month, state=ImportState.POSTED).exists():
        errors = [_("The journal of %(month)s is already posted: reverse it in the books before importing "
                    "another.") % {"month": month.strftime("%m/%Y")}]
    if errors:
        journal = JournalImport(entity=entity, month=month, filename=name, sha256=digest,
                                state=ImportState.REJECTED, errors=errors[:500], uploaded_by=actor)
        journal.file.save(name, ContentFile(data), save=False)
        journal.save()
        record(actor=actor, action="payroll.journal_rejected", obj=journal, entity=entity,
               message=gettext_noop("Payroll journal %(file)s of %(month)s refused: %(count)s bad lines."),
               params={"file": name, "month": month.strftime("%Y-%m"), "count": len(errors)})
        return journal
    try:
        return _post(actor, entity, month, name, digest, data, lines)
    except ValidationError as exc:  # the books refused it (a closed period…): keep the file, say why
        journal = JournalImport(entity=entity, month=month, filename=name, sha256=digest,
                                state=ImportState.REJECTED, errors=exc.messages[:50], uploaded_by=actor)
        journal.file.save(name, ContentFile(data), save=False)
        journal.save()
        return journal


def posting_date(entity, month):
    """The month's last day, or today when the month is not over (the budget, read up to today,
    then shows the salaries at once); never before the misc journal's last entry of that year (the
    ledger numbers entries in date order)."""
    from django.utils import timezone

    from compagnon.ledger.models import JournalCounter

    day = min(last_day(month), timezone.localdate())
    code = charts.journal_code(entity.jurisdiction, "misc")
    last = JournalCounter.objects.filter(journal__entity=entity, journal__code=code, year=day.year).values_list(
        "last_date", flat=True).first()
    return max(day, last) if last else day


def _post(actor, entity, month, name, digest, data, lines) -> JournalImport:
    journal = JournalImport(entity=entity, month=month, filename=name, sha256=digest, state=ImportState.POSTED,
                            uploaded_by=actor)
    journal.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            return _post_in_transaction(actor, entity, month, journal, lines)
    except BaseException:
        journal.file.storage.delete(journal.file.name)
        raise


def _post_in_transaction(actor, entity, month, journal, lines) -> JournalImport:
    ensure_chart(entity)
    activities = {a.pk: a for a in Activity.objects.filter(pk__in={x["activity_id"] for x in lines})}
    members = {pk: f"{first} {last}".strip() for pk, first, last in Member.objects.filter(
        pk__in={x["member_id"] for x in lines}).values_list("pk", "user__first_name", "user__last_name")}
    pay_lines = []
    for x in lines:
        p = PayLine(entity=entity, member_id=x["member_id"], activity_id=x["activity_id"], month=month,
                    gross=x["gross"], employee_contributions=x["employee_contributions"],
                    employer_contributions=x["employer_contributions"], other_bodies=x["other_bodies"],
                    withholding=x["withholding"], net=x["net"])
        p.employee_id = x["employee_id"]
        pay_lines.append(p)
    journal.differences = _differences(entity, month, pay_lines, members)
    journal.gross = sum((p.gross for p in pay_lines), ZERO)
    journal.employer_contributions = sum((p.employer_contributions for p in pay_lines), ZERO)
    journal.net = sum((p.net for p in pay_lines), ZERO)
    journal.save()
    journal.entry = post_entry(
        actor=actor, entity=entity, journal_code=charts.journal_code(entity.jurisdiction, "misc"),
        date=posting_date(entity, month), label=_("Salaries %(month)s") % {"month": month.strftime("%m/%Y")},
        lines=entry_lines(entity, pay_lines, activities, month), source=journal)
    journal.save(update_fields=["entry"])
    for p in pay_lines:
        p.journal = journal
    PayLine.objects.bulk_create(pay_lines, batch_size=2000)
    posted = [p.request_id for p in pay_lines if p.request_id]
    for start in range(0, len(posted), 2000):
        SalaryRequest.objects.filter(pk__in=posted[start:start + 2000]).update(state=RequestState.POSTED)
    record(actor=actor, action="payroll.journal_posted", obj=journal, entity=entity,
           message=gettext_noop("Payroll journal of %(month)s posted: %(count)s salaries, gross %(gross)s EUR, "
                                "%(differences)s differences with the requests."),
           params={"month": month.strftime("%Y-%m"), "count": len(pay_lines), "gross": str(journal.gross),
                   "differences": len(journal.differences)})
    return journal
