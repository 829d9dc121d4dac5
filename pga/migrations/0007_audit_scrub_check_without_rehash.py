from importlib import import_module

from django.db import migrations

# The append-only trigger of migration 0003 lets the retention scrub through only if every
# hashed field stays as it was; it checked that by computing the entry's hash again, which
# reads the names of the changed fields with a query per entry. It now compares the hashed
# fields themselves — the same guarantee: time, actor, partner, action, object type and id,
# purpose, the chain fields, and the set of changed-field names (read without a query, with
# a JSON path) — at a fraction of the cost for the thousands of entries a purge batch
# scrubs.
FORWARD = r"""
CREATE FUNCTION pga_audit_field_names(changes jsonb) RETURNS jsonb AS $$
    SELECT CASE WHEN jsonb_typeof(changes) = 'object'
                THEN jsonb_path_query_array(changes, '$.keyvalue().key')
                ELSE '[]'::jsonb END;
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION pga_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('pga.audit_scrub', true) = 'on'
       AND NEW.id = OLD.id
       AND NEW.chain_seq = OLD.chain_seq
       AND NEW.prev_hash = OLD.prev_hash
       AND NEW.entry_hash = OLD.entry_hash
       AND NEW."timestamp" = OLD."timestamp"
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.partner_id IS NOT DISTINCT FROM OLD.partner_id
       AND NEW.action = OLD.action
       AND NEW.content_type_id = OLD.content_type_id
       AND NEW.object_pk = OLD.object_pk
       AND NEW.purpose = OLD.purpose
       AND pga_audit_field_names(NEW.changes::jsonb)
           = pga_audit_field_names(OLD.changes::jsonb) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Het auditlog is alleen aan te vullen; % is niet toegestaan.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _append_only_function_of_0003() -> str:
    """The trigger function as migration 0003 created it (for going back)."""
    forward = import_module("pga.migrations.0003_audit_chain_and_append_only").FORWARD
    start = forward.index("CREATE FUNCTION pga_audit_append_only()")
    end = forward.index("$$ LANGUAGE plpgsql;", start) + len("$$ LANGUAGE plpgsql;")
    return forward[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


BACKWARD = (_append_only_function_of_0003()
            + "\nDROP FUNCTION IF EXISTS pga_audit_field_names(jsonb);\n")


class Migration(migrations.Migration):
    dependencies = [("pga", "0006_audit_hash_without_subquery")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
