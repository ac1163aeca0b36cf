"""The payroll checks of ``manage.py check_books`` (see compagnon.ledger.checks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from compagnon.ledger.checks import register
from compagnon.ledger.models import Entry, EntryLine

from .models import ImportState, JournalImport, PayLine

SOURCE = "payroll.journalimport"
ZERO = Decimal("0")


@register("Salaries posted equal the imported payroll journal")
def salaries_match_journal(entities):
    counts = dict(Entry.objects.filter(entity__in=entities, source_type=SOURCE).values_list("source_id")
                  .annotate(n=Count("id")).order_by())
    journals = JournalImport.objects.filter(entity__in=entities, state=ImportState.POSTED)
    for pk, entry_id, month in journals.values_list("id", "entry_id", "month").iterator():
        n = counts.pop(pk, 0)
        if n != 1 or entry_id is None:
            yield f"payroll journal {pk} ({month:%Y-%m}): {n} entries instead of 1"
            continue
        wanted = PayLine.objects.filter(journal_id=pk).aggregate(
            gross=Sum("gross"), employer=Sum("employer_contributions"), net=Sum("net"))
        posted = defaultdict(lambda: ZERO)
        for role, debit, credit in EntryLine.objects.filter(entry_id=entry_id).values_list(
                "account__role").annotate(d=Sum("debit"), c=Sum("credit")).order_by():
            posted[role] += (debit or ZERO) - (credit or ZERO)
        for role, key, sign in (("salaries", "gross", 1), ("social_charges", "employer", 1),
                                ("salaries_payable", "net", -1)):
            if posted[role] * sign != (wanted[key] or ZERO):
                yield (f"payroll journal {pk} ({month:%Y-%m}): {role} posted {posted[role] * sign}, "
                       f"journal says {wanted[key] or ZERO}")
    for source_id in counts:
        yield f"entry for payroll journal id {source_id}, which is not a posted journal"
