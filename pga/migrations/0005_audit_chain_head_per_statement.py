from importlib import import_module

from django.db import migrations

# The chain of 0003, with the head row written once per statement instead of once per entry.
#
# Updating the one head row for every entry left a new version of that row per entry, all
# alive until the transaction ends; each next entry had to step over all of them, so a
# transaction that writes n entries (a purge batch writes thousands) took time in n². Now the
# first entry of a transaction reads the head under its row lock (held to the end, so the
# chain never forks, as before); the transaction's own tail travels in transaction-local
# settings (which a rolled-back savepoint rolls back with its entries); and a statement-level
# trigger writes the head once after each inserting statement.
FORWARD = r"""
CREATE OR REPLACE FUNCTION pga_audit_chain() RETURNS trigger AS $$
DECLARE
    seq bigint;
    prev text;
BEGIN
    IF current_setting('pga.chain_xact', true) IS DISTINCT FROM txid_current()::text THEN
        INSERT INTO pga_auditchain_head (id, last_seq, last_hash) VALUES (1, 0, '')
            ON CONFLICT (id) DO NOTHING;
        SELECT last_seq, last_hash INTO seq, prev
          FROM pga_auditchain_head WHERE id = 1 FOR UPDATE;
        PERFORM set_config('pga.chain_xact', txid_current()::text, true);
    ELSE
        seq := current_setting('pga.chain_seq')::bigint;
        prev := current_setting('pga.chain_hash');
    END IF;
    NEW.chain_seq := seq + 1;
    NEW.prev_hash := prev;
    NEW.entry_hash := pga_audit_entry_hash(prev, NEW);
    PERFORM set_config('pga.chain_seq', NEW.chain_seq::text, true);
    PERFORM set_config('pga.chain_hash', NEW.entry_hash, true);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION pga_audit_chain_head() RETURNS trigger AS $$
BEGIN
    IF current_setting('pga.chain_xact', true) = txid_current()::text THEN
        UPDATE pga_auditchain_head
           SET last_seq = current_setting('pga.chain_seq')::bigint,
               last_hash = current_setting('pga.chain_hash')
         WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pga_audit_chain_head AFTER INSERT ON pga_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION pga_audit_chain_head();
"""


def _chain_function_of_0003() -> str:
    """The row trigger function as migration 0003 created it (for going back)."""
    forward = import_module("pga.migrations.0003_audit_chain_and_append_only").FORWARD
    start = forward.index("CREATE FUNCTION pga_audit_chain()")
    end = forward.index("$$ LANGUAGE plpgsql;", start) + len("$$ LANGUAGE plpgsql;")
    return forward[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


BACKWARD = (
    "DROP TRIGGER IF EXISTS pga_audit_chain_head ON pga_auditentry;\n"
    "DROP FUNCTION IF EXISTS pga_audit_chain_head();\n" + _chain_function_of_0003()
)


class Migration(migrations.Migration):
    dependencies = [("pga", "0004_audit_fillfactor")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
