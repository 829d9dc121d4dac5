"""The audit log records the processing, not the personal values (docs/adr/0005).

From now on no entry holds the value of a field with personal data or free text (each app's
`pga.audit.register` declaration), so no entry ever needs changing:

1. The chain as it stands is verified first (with the hash of migration 0006, over the
   non-personal fields); a broken chain stops the migration, so that nothing is re-sealed
   that was tampered with.
2. The existing entries are cleaned: the values of the fields withheld since (WITHHELD below,
   the declarations as they were when this migration was written) become "[niet vastgelegd]"
   — the field names stay —, `changes_text` and `serialized_data` are emptied, and the
   keyed fingerprint of a search query goes from `additional_data`. None of this touches a
   field the old hash covered, so the old chain still verifies: it is checked again.
3. The entry hash now covers every column (`to_jsonb` of the row, less its own hash, with
   the time in UTC; null columns left out, so that a nullable column added later does not
   change the hash of earlier entries), and the whole chain is recomputed with it, in order.
4. One entry is added at the end, on the audit log itself, whose `additional_data` names the
   last sequence number and hash of the old chain: a copy of the old head kept outside the
   database is compared with it (see docs/adr/0005).
5. The append-only trigger refuses every UPDATE and DELETE; the retention scrub and its
   session flag (`pga.audit_scrub`) are gone.
"""

import json

from django.db import migrations

MARK = "[niet vastgelegd]"

# (app label, model): the fields whose values the log no longer holds.
WITHHELD = {
    ("criteria", "assessment"): ["conclusion"],
    ("criteria", "indicatorobservation"): ["observed_facts", "protective_factors"],
    ("criteria", "judgement"): ["source", "substantiation"],
    ("retention", "legalhold"): ["end_reason", "reason"],
    ("retention", "notification"): ["ground_detail", "notified_by"],
    ("retention", "subjectrequest"): ["handling", "request_text"],
    ("signals", "attachment"): ["file", "original_name"],
    ("signals", "contribution"): ["content", "information_date", "source"],
    ("signals", "person"): ["address", "bsn", "date_of_birth", "first_names", "label",
                            "postcode", "surname", "surname_prefix", "normalised_name"],
    ("signals", "signal"): ["behaviour_from", "behaviour_to", "description",
                            "reporter_contact", "reporter_name", "reporter_organisation",
                            "withdrawal_reason"],
    ("signals", "transfer"): ["reason"],
    ("weegploeg", "agendaitem"): ["joint_reasoning", "other_party"],
    ("weegploeg", "decision"): ["correction_reason", "other_party", "reasoning"],
    ("weegploeg", "informationrequest"): ["external_body", "question"],
    ("weegploeg", "session"): ["location"],
    ("weegploeg", "vote"): ["motivation"],
}

BROKEN = """
SELECT chain_seq FROM (
    SELECT chain_seq,
           chain_seq IS NULL
           OR chain_seq <> coalesce(lag(chain_seq) OVER w, 0) + 1
           OR prev_hash <> coalesce(lag(entry_hash) OVER w, '')
           OR entry_hash <> pga_audit_entry_hash(prev_hash, e) AS broken
      FROM pga_auditentry e
    WINDOW w AS (ORDER BY chain_seq NULLS FIRST)
) checked WHERE broken ORDER BY chain_seq NULLS FIRST LIMIT 1
"""

NEW_HASH = r"""
CREATE OR REPLACE FUNCTION pga_audit_entry_hash(prev text, e pga_auditentry) RETURNS text AS $$
    SELECT encode(sha256(convert_to(
        prev || '|' || jsonb_strip_nulls(
            (to_jsonb(e) - 'entry_hash')
            || jsonb_build_object('timestamp',
                   to_char(e."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))
        )::text, 'UTF8')), 'hex');
$$ LANGUAGE sql IMMUTABLE;
"""

RECHAIN = r"""
DO $$
DECLARE
    r pga_auditentry;
    prev text := '';
    seq bigint := 0;
BEGIN
    FOR r IN SELECT * FROM pga_auditentry ORDER BY chain_seq LOOP
        seq := seq + 1;
        r.chain_seq := seq;
        r.prev_hash := prev;
        UPDATE pga_auditentry
           SET chain_seq = seq, prev_hash = prev, entry_hash = pga_audit_entry_hash(prev, r)
         WHERE id = r.id
        RETURNING entry_hash INTO prev;
    END LOOP;
    UPDATE pga_auditchain_head SET last_seq = seq, last_hash = prev WHERE id = 1;
END;
$$;
"""

STRICT_APPEND_ONLY = r"""
CREATE OR REPLACE FUNCTION pga_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Het auditlog is alleen aan te vullen; % is niet toegestaan.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS pga_audit_field_names(jsonb);
DROP FUNCTION IF EXISTS pga_audit_changed_fields(jsonb);
"""


def withhold_values(apps, schema_editor):
    connection = schema_editor.connection
    ContentType = apps.get_model("contenttypes", "ContentType")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pga_auditentry")
        if cursor.fetchone()[0] == 0:
            cursor.execute(NEW_HASH)
            return
        cursor.execute(BROKEN)
        broken = cursor.fetchone()
        if broken:
            raise RuntimeError(
                f"De hashketen van het auditlog is gebroken bij regel {broken[0]}; de "
                "migratie past niets aan. Zoek eerst uit wat daar gebeurd is "
                "(manage.py verify_audit_chain).")
        cursor.execute("SELECT last_seq, last_hash FROM pga_auditchain_head WHERE id = 1")
        old_seq, old_hash = cursor.fetchone()
        # The cleaning below is an UPDATE, which the old trigger refuses.
        cursor.execute("ALTER TABLE pga_auditentry DISABLE TRIGGER pga_audit_append_only")
        for (app_label, model), fields in WITHHELD.items():
            content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
            if content_type is None:
                continue
            cursor.execute(
                """
                UPDATE pga_auditentry
                   SET changes = (
                       SELECT jsonb_object_agg(key, CASE
                                  WHEN key = ANY(%s) AND jsonb_typeof(value) = 'array'
                                  THEN jsonb_build_array(%s::text, %s::text)
                                  ELSE value END)
                         FROM jsonb_each(changes::jsonb))
                 WHERE content_type_id = %s AND jsonb_typeof(changes::jsonb) = 'object'
                   AND changes::jsonb ?| %s
                """,
                [fields, MARK, MARK, content_type.pk, fields],
            )
        cursor.execute(
            """
            UPDATE pga_auditentry
               SET changes_text = '', serialized_data = NULL
             WHERE changes_text <> '' OR serialized_data IS NOT NULL
            """
        )
        cursor.execute(
            """
            UPDATE pga_auditentry SET additional_data = additional_data::jsonb - 'vingerafdruk'
             WHERE jsonb_typeof(additional_data::jsonb) = 'object'
               AND additional_data::jsonb ? 'vingerafdruk'
            """
        )
        # Nothing the old hash covered has changed.
        cursor.execute(BROKEN)
        if cursor.fetchone():
            raise RuntimeError("Opschonen van het auditlog veranderde gehashte velden.")
        cursor.execute(NEW_HASH)
        cursor.execute(RECHAIN)
        # The foreign-key checks of the updated rows run now, not at the commit: a table with
        # pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE pga_auditentry ENABLE TRIGGER pga_audit_append_only")
        audit_type, _ = ContentType.objects.get_or_create(app_label="pga", model="auditentry")
        cursor.execute(
            """
            INSERT INTO pga_auditentry
                (content_type_id, object_pk, object_repr, action, changes_text,
                 additional_data, "timestamp", purpose)
            VALUES (%s, '', 'auditlog', 1, '', %s::jsonb, now(), 'beheer')
            """,
            [audit_type.pk, json.dumps({
                "ketenovergang": "waarden niet meer vastgelegd; hash over elke kolom",
                "oude_keten_laatste_volgnummer": old_seq,
                "oude_keten_laatste_hash": old_hash,
            })],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pga", "0010_auditentry_weegploeg"),
    ]
    # All or nothing: the trigger is switched off for the cleaning within this transaction.
    # Irreversible: the values withheld are gone, and the old hash no longer seals the chain.
    atomic = True
    operations = [
        migrations.RunPython(withhold_values, elidable=False),
        migrations.RunSQL(STRICT_APPEND_ONLY, migrations.RunSQL.noop),
    ]
