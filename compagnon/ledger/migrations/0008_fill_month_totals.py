"""Fill ledger_monthtotal from the lines already posted (one INSERT … SELECT … GROUP BY)."""

from django.db import migrations

FILL = """
INSERT INTO ledger_monthtotal
    (entity_id, account_id, activity_id, year, month, debit, credit, sales_debit, sales_credit)
SELECT a.entity_id, l.account_id, l.activity_id, {year}, {month}, SUM(l.debit), SUM(l.credit),
    SUM(CASE WHEN j.role = 'sales' THEN l.debit ELSE 0 END),
    SUM(CASE WHEN j.role = 'sales' THEN l.credit ELSE 0 END)
FROM ledger_entryline l
JOIN ledger_account a ON a.id = l.account_id
JOIN ledger_journal j ON j.id = l.journal_id
GROUP BY a.entity_id, l.account_id, l.activity_id, {year}, {month}
"""

PARTS = {
    "postgresql": (
        "CAST(EXTRACT(YEAR FROM l.date) AS integer)",
        "CAST(EXTRACT(MONTH FROM l.date) AS integer)",
    ),
    "sqlite": (
        "CAST(strftime('%Y', l.date) AS integer)",
        "CAST(strftime('%m', l.date) AS integer)",
    ),
}


def fill(apps, schema_editor):
    year, month = PARTS[schema_editor.connection.vendor]
    schema_editor.execute("DELETE FROM ledger_monthtotal", params=None)
    schema_editor.execute(FILL.format(year=year, month=month), params=None)


def empty(apps, schema_editor):
    schema_editor.execute("DELETE FROM ledger_monthtotal", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_month_total_sales_journals")]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
