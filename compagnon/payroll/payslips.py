"""Payslips: the provider's one PDF of every payslip of a month, split per employee.

Matching rule (docs/payroll.md, "Payslips"): the text of each page is read (pypdf); a page belongs
to the employee whose **employee id** appears on it as a whole word (the provider's id, else the
member number). When no id or several ids appear, the **full name** decides: "First Last" or
"Last First", ignoring case, accents and repeated spaces — when exactly one employee of the entity
matches. A page matching nobody (or several people) is listed for the accountant and given to
nobody. A page without any match that follows a page of an employee is NOT attached to them: a
two-page payslip repeats the id on each page with every provider we know, and guessing would risk
showing a salary to the wrong person.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.audit.services import record
from compagnon.core.services import require
from compagnon.members.models import Member

from .models import Employee, Payslip, PayslipBatch
from .services import parse_month

MAX_BYTES = 50 * 1024 * 1024


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


def _people(entity):
    ids, names = {}, {}
    employees = dict(Employee.objects.filter(entity=entity).values_list("member_id", "employee_id"))
    for pk, number, first, last in Member.objects.filter(entity=entity).values_list(
            "pk", "number", "user__first_name", "user__last_name"):
        ids[employees.get(pk) or number] = pk
        if first and last:
            for name in (f"{first} {last}", f"{last} {first}"):
                names.setdefault(_fold(name), set()).add(pk)
    return ids, names


def match_page(text: str, ids: dict, names: dict) -> int | None:
    tokens = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_./-]*[A-Za-z0-9]|[A-Za-z0-9]", text or ""))
    found = {ids[t] for t in tokens if t in ids}
    if len(found) == 1:
        return found.pop()
    folded = _fold(text)
    by_name = set()
    for name, members in names.items():
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", folded):
            by_name |= members
    candidates = by_name & found if found else by_name
    return candidates.pop() if len(candidates) == 1 else None


def split(data: bytes, ids: dict, names: dict):
    """({member id: [page numbers from 1]}, [unmatched page numbers], page count)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assigned: dict[int, list[int]] = {}
    unmatched: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - an unreadable page is listed, not fatal
            text = ""
        member = match_page(text, ids, names)
        if member is None:
            unmatched.append(number)
        else:
            assigned.setdefault(member, []).append(number)
    return reader, assigned, unmatched, len(reader.pages)


def _extract(reader, pages: list[int]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for number in pages:
        writer.add_page(reader.pages[number - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload_payslips(*, actor, entity, month, upload) -> PayslipBatch:
    require(actor, "payroll.run", entity)
    month = parse_month(month)
    if month is None:
        raise ValidationError({"month": _("Choose the month.")})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})
    if not data.startswith(b"%PDF"):
        raise ValidationError({"file": _("This is not a PDF file.")})
    ids, names = _people(entity)
    try:
        reader, assigned, unmatched, count = split(data, ids, names)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        raise ValidationError({"file": _("This PDF cannot be read: ask the provider for the file again.")}) from None
    name = (getattr(upload, "name", "") or "payslips.pdf").replace("\\", "/").rsplit("/", 1)[-1][:200]
    stored = []
    try:
        with transaction.atomic():
            batch = PayslipBatch(entity=entity, month=month, filename=name, sha256=hashlib.sha256(data).hexdigest(),
                                 pages=count, unmatched=unmatched, uploaded_by=actor)
            batch.file.save(f"{batch.sha256[:16]}-all.pdf", ContentFile(data), save=False)
            stored.append(batch.file)
            batch.save()
            for member_id, pages in assigned.items():
                slip = Payslip(batch=batch, entity=entity, member_id=member_id, month=month, pages=pages)
                slip.file.save(f"{batch.sha256[:16]}-{member_id}.pdf", ContentFile(_extract(reader, pages)),
                               save=False)
                stored.append(slip.file)
                slip.save()
            record(actor=actor, action="payroll.payslips_uploaded", obj=batch, entity=entity,
                   message=gettext_noop("Payslips of %(month)s: %(count)s employees, %(unmatched)s pages matching "
                                        "nobody."),
                   params={"month": month.strftime("%Y-%m"), "count": len(assigned), "unmatched": len(unmatched)})
            return batch
    except BaseException:
        for f in stored:
            f.storage.delete(f.name)
        raise
