"""PostgreSQL only: the balance check runs once per entry and transaction, not once per line.

Migration 0002's deferred trigger fires for every inserted line and re-added all the lines of
the entry each time: an entry of n lines cost n² row reads at COMMIT (a bank statement of 10,000
transactions, one entry of 20,000 lines: 86 s). The function now remembers, in a
transaction-local setting, which entries it has checked. Deferred constraint triggers run at
COMMIT, when every line is written, so the first check sees them all. Code never switches the
constraint to IMMEDIATE mid-transaction (doing so and then adding lines to the same entry in the
same transaction would escape the second check; check_books still audits every entry).
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
        -- Deferred: these checks run at COMMIT, when every line is written, so one check per
        -- entry and transaction sees them all; the flag lives until the transaction ends.
        CONTINUE WHEN current_setting('ledger.checked_' || eid, true) = 'y';
        PERFORM set_config('ledger.checked_' || eid, 'y', true);
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

        previous = import_module("compagnon.ledger.migrations.0002_balance_trigger")
        schema_editor.execute(previous.CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_balanced_entries_trigger")]

    operations = [migrations.RunPython(create, restore, elidable=False)]
