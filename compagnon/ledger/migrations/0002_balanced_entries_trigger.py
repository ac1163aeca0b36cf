"""PostgreSQL only: an entry whose lines do not balance cannot be committed.

A constraint trigger, DEFERRABLE INITIALLY DEFERRED, runs at COMMIT for every entry that gained,
lost or changed a line (and for every new entry): the entry must have at least two lines, and its
debits must equal its credits and be more than zero. ``post_entry`` checks the same before writing;
this is the backstop against any other write (a script, a raw UPDATE, a bug). SQLite has no
deferred triggers: there, ``manage.py check_books`` finds such entries.
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

DROP TRIGGER IF EXISTS ledger_entryline_balanced ON ledger_entryline;
CREATE CONSTRAINT TRIGGER ledger_entryline_balanced
    AFTER INSERT OR UPDATE OR DELETE ON ledger_entryline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();

DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
CREATE CONSTRAINT TRIGGER ledger_entry_balanced
    AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_entryline_balanced ON ledger_entryline;
DROP FUNCTION IF EXISTS ledger_check_entry_balanced();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
