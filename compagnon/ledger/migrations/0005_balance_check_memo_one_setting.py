"""PostgreSQL only: the balance check remembers the last entry it checked in one setting.

Migration 0003 remembered every checked entry in a setting of its own ("ledger.checked_<id>").
PostgreSQL keeps a placeholder for each custom setting name for the rest of the session, even
after the transaction that set it ends: a long-lived connection (a web or worker process, a
PgBouncer server connection) gained one per entry it ever posted, and PostgreSQL 15 re-sorts its
list of settings on each new name and walks it at every transaction end. Posting slowed down
with the connection's age (the budget bench's writer went past 15 minutes).

Now one setting, ``ledger.last_checked``, holds the id of the entry checked last in the
transaction. At COMMIT the deferred events of an entry come one after the other (the entry, then
its lines, as ``post_entry`` writes them), so each entry is still checked once; should events of
two entries interleave, an entry is checked again, never skipped. Skipping is only ever done for
an entry already checked at this COMMIT, when every line was written (code never switches the
constraint to IMMEDIATE mid-transaction; ``check_books`` still audits every entry).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger AS $$
DECLARE
    ids bigint[];
    eid bigint;
    n integer;
    total_debit numeric;
    total_credit numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entry' THEN
        ids := ARRAY[NEW.id];
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.entry_id];
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY[OLD.entry_id];
    ELSE
        ids := ARRAY[NEW.entry_id, OLD.entry_id];
    END IF;
    FOREACH eid IN ARRAY ids LOOP
        CONTINUE WHEN current_setting('ledger.last_checked', true) = eid::text;
        PERFORM set_config('ledger.last_checked', eid::text, true);
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM ledger_entry WHERE id = eid);
        SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0)
          INTO n, total_debit, total_credit
          FROM ledger_entryline WHERE entry_id = eid;
        IF n < 2 OR total_debit <> total_credit OR total_debit <= 0 THEN
            RAISE EXCEPTION
                'ledger entry % does not balance: % line(s), debit %, credit %',
                eid, n, total_debit, total_credit
                USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        previous = import_module("compagnon.ledger.migrations.0003_balance_check_once_per_entry")
        schema_editor.execute(previous.CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_line_date_journal")]

    operations = [migrations.RunPython(create, restore, elidable=False)]
