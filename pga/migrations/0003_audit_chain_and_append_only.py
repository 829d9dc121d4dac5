from django.db import migrations, models

# The audit log is append-only and tamper-evident (docs/design.md §4.3):
# - BEFORE INSERT: each entry gets the next sequence number in the chain, the hash of the
#   previous entry, and its own hash over that previous hash and its non-personal fields
#   (time, actor, partner, action, object type and id, changed field names, purpose). The
#   one-row head table is locked for the rest of the transaction, so the chain never forks.
# - BEFORE UPDATE/DELETE: refused, except an UPDATE made through the retention scrub
#   (`pga.audit.scrub_personal_values`, which sets pga.audit_scrub for its statement) that
#   leaves every hashed field as it was.
FORWARD = r"""
INSERT INTO pga_auditchain_head VALUES (1, 0, '');

CREATE FUNCTION pga_audit_entry_hash(prev text, e pga_auditentry) RETURNS text AS $$
    SELECT encode(sha256(convert_to(concat_ws('|',
        prev,
        to_char(e."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(e.actor_id::text, ''),
        coalesce(e.partner_id::text, ''),
        e.action::text,
        e.content_type_id::text,
        e.object_pk,
        coalesce((SELECT string_agg(k, ',' ORDER BY k)
                    FROM jsonb_object_keys(
                        CASE WHEN jsonb_typeof(e.changes::jsonb) = 'object'
                             THEN e.changes::jsonb ELSE '{}'::jsonb END) AS k), ''),
        e.purpose
    ), 'UTF8')), 'hex');
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION pga_audit_chain() RETURNS trigger AS $$
DECLARE
    head pga_auditchain_head;
BEGIN
    INSERT INTO pga_auditchain_head (id, last_seq, last_hash) VALUES (1, 0, '')
        ON CONFLICT (id) DO NOTHING;
    SELECT * INTO head FROM pga_auditchain_head WHERE id = 1 FOR UPDATE;
    NEW.chain_seq := head.last_seq + 1;
    NEW.prev_hash := head.last_hash;
    NEW.entry_hash := pga_audit_entry_hash(head.last_hash, NEW);
    UPDATE pga_auditchain_head SET last_seq = NEW.chain_seq, last_hash = NEW.entry_hash
     WHERE id = 1;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION pga_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('pga.audit_scrub', true) = 'on'
       AND NEW.id = OLD.id
       AND NEW.chain_seq = OLD.chain_seq
       AND NEW.prev_hash = OLD.prev_hash
       AND NEW.entry_hash = OLD.entry_hash
       AND pga_audit_entry_hash(OLD.prev_hash, NEW) = OLD.entry_hash THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Het auditlog is alleen aan te vullen; % is niet toegestaan.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

-- Entries written before the chain existed join it in the order they were written.
DO $$
DECLARE
    r pga_auditentry;
    prev text := '';
    seq bigint := 0;
BEGIN
    FOR r IN SELECT * FROM pga_auditentry ORDER BY id LOOP
        seq := seq + 1;
        r.chain_seq := seq;
        UPDATE pga_auditentry
           SET chain_seq = seq, prev_hash = prev, entry_hash = pga_audit_entry_hash(prev, r)
         WHERE id = r.id
        RETURNING entry_hash INTO prev;
    END LOOP;
    UPDATE pga_auditchain_head SET last_seq = seq, last_hash = prev WHERE id = 1;
END;
$$;

CREATE TRIGGER pga_audit_chain BEFORE INSERT ON pga_auditentry
    FOR EACH ROW EXECUTE FUNCTION pga_audit_chain();
CREATE TRIGGER pga_audit_append_only BEFORE UPDATE OR DELETE ON pga_auditentry
    FOR EACH ROW EXECUTE FUNCTION pga_audit_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS pga_audit_append_only ON pga_auditentry;
DROP TRIGGER IF EXISTS pga_audit_chain ON pga_auditentry;
DROP FUNCTION IF EXISTS pga_audit_append_only();
DROP FUNCTION IF EXISTS pga_audit_chain();
DROP FUNCTION IF EXISTS pga_audit_entry_hash(text, pga_auditentry);
DELETE FROM pga_auditchain_head;
"""


class Migration(migrations.Migration):
    dependencies = [("pga", "0002_audit_chain_fields")]
    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.SmallIntegerField(primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField()),
                ("last_hash", models.CharField(max_length=64)),
            ],
            options={"db_table": "pga_auditchain_head"},
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
