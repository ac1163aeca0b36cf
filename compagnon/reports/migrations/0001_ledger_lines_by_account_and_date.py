"""The general ledger's access path: the lines of one account in (date, entry, line) order, so a
keyset page reads its 100 lines from the index instead of sorting the account's millions
(docs/decisions/0033). An index on the ledger's table, owned by the reports that need it; the
ledger's models do not change."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS reports_line_account_date "
    "ON ledger_entryline (account_id, date, entry_id, id)"
)
DROP = "DROP INDEX IF EXISTS reports_line_account_date"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_line_date_journal")]

    operations = [migrations.RunSQL(CREATE, DROP, elidable=False)]
