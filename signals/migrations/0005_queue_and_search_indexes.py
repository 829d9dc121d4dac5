from django.db import migrations

# Indexes for the queue at national scale (issue 8, `make bench`; EXPLAIN in the bench notes):
# - the default queue (open signals, newest first): an index in exactly that order over the
#   open signals only, so the first pages read a few hundred index entries and stop, where
#   Postgres otherwise scanned and sorted every signal;
# - the search by name or label ("contains", case-insensitive): trigram GIN indexes, so the
#   matching persons are found without reading every person;
# - the search by reference (`reference__iexact` is `UPPER(reference) = UPPER(%s)`).
# Created CONCURRENTLY (hence not atomic): no write lock on a live table. Since migration 0011
# the first two are declared in `Signal.Meta` too; the trigram ones cannot be
# (docs/adr/0007-performance.md). The trigram indexes need the pg_trgm extension
# (PostgreSQL's contrib, in the production image); where the server lacks it — the embedded
# PostgreSQL of `make run` — they are left out and the search works without them.
OPEN = "('registered', 'in_preparation', 'on_agenda', 'more_information')"

INDEXES = [
    ("signal_open_received_idx",
     f"signals_signal (received_on DESC, id DESC) WHERE status IN {OPEN}"),
    ("signal_reference_upper_idx", "signals_signal (upper(reference))"),
]
TRIGRAM_INDEXES = [
    ("person_name_trgm_idx", "signals_person USING gin (normalised_name gin_trgm_ops)"),
    ("person_label_trgm_idx", "signals_person USING gin (upper(label) gin_trgm_ops)"),
]


def create_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, definition in TRIGRAM_INDEXES:
            cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}")


def drop_trigram_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, _definition in TRIGRAM_INDEXES:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("signals", "0004_signal_retention_clock")]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ] + [
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
            f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
