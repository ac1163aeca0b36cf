"""Each line carries a copy of its entry's date and journal (docs/decisions/0018-ledger-line-date.md).

The budget reads an activity's lines filtered on the date and the journal; joining 100,000 lines
to their entries for that was most of its time. Entries are immutable, so the copies cannot drift;
``post_entry`` writes them with the line and ``check_books`` proves they equal the entry's.

Existing lines are filled from their entry in one UPDATE (portable: a correlated subquery works on
SQLite and PostgreSQL). On PostgreSQL the deferred balance trigger is switched off for that UPDATE:
it touches no amount, and would otherwise re-check every entry at COMMIT.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE ledger_entryline SET
    date = (SELECT e.date FROM ledger_entry e WHERE e.id = ledger_entryline.entry_id),
    journal_id = (SELECT e.journal_id FROM ledger_entry e WHERE e.id = ledger_entryline.entry_id)
"""


def fill(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_entryline DISABLE TRIGGER ledger_entryline_balanced", params=None
        )
    schema_editor.execute(FILL, params=None)
    if postgres:
        schema_editor.execute(
            "ALTER TABLE ledger_entryline ENABLE TRIGGER ledger_entryline_balanced", params=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_balance_check_once_per_entry"),
    ]

    operations = [
        migrations.AddField(
            model_name="entryline",
            name="date",
            field=models.DateField(editable=False, null=True, verbose_name="date"),
        ),
        migrations.AddField(
            model_name="entryline",
            name="journal",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ledger.journal",
                verbose_name="journal",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="entryline",
            name="date",
            field=models.DateField(editable=False, verbose_name="date"),
        ),
        migrations.AlterField(
            model_name="entryline",
            name="journal",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ledger.journal",
                verbose_name="journal",
            ),
        ),
        migrations.AddIndex(
            model_name="entryline",
            index=models.Index(fields=["activity", "date"], name="ledger_entr_activit_8482f8_idx"),
        ),
    ]
