# The audit table's indexes without duplicates (issue 8, the purge in `make bench`):
# - audit_scrub_idx goes: its condition names the columns the retention scrub empties, and
#   PostgreSQL updates a row in place (HOT, migration 0004) only when no index involves a
#   changed column. With it, every scrubbed entry added a version to every index.
# - django-auditlog's single-column indexes on content_type, object_pk and actor go: the
#   composite audit_object_idx and audit_actor_time_idx lead with the same columns.
# - cid keeps its index (renamed, not rebuilt) and loses the varchar_pattern_ops twin that
#   only a LIKE search would use.
# Only indexes are dropped (plain SQL, not Django's AlterField, which would drop and re-add
# the foreign keys and so check every row of a table of tens of millions again).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FORWARD = """
DROP INDEX audit_scrub_idx;
DROP INDEX pga_auditentry_actor_id_3f63218f;
DROP INDEX pga_auditentry_content_type_id_0734024a;
DROP INDEX pga_auditentry_object_pk_52212825;
DROP INDEX pga_auditentry_object_pk_52212825_like;
DROP INDEX pga_auditentry_cid_1168e700_like;
ALTER INDEX pga_auditentry_cid_1168e700 RENAME TO audit_cid_idx;
"""

BACKWARD = """
ALTER INDEX audit_cid_idx RENAME TO pga_auditentry_cid_1168e700;
CREATE INDEX pga_auditentry_cid_1168e700_like ON pga_auditentry (cid varchar_pattern_ops);
CREATE INDEX pga_auditentry_object_pk_52212825_like
    ON pga_auditentry (object_pk varchar_pattern_ops);
CREATE INDEX pga_auditentry_object_pk_52212825 ON pga_auditentry (object_pk);
CREATE INDEX pga_auditentry_content_type_id_0734024a ON pga_auditentry (content_type_id);
CREATE INDEX pga_auditentry_actor_id_3f63218f ON pga_auditentry (actor_id);
CREATE INDEX audit_scrub_idx ON pga_auditentry (content_type_id, object_pk)
    WHERE changes IS NOT NULL OR NOT changes_text = '' OR serialized_data IS NOT NULL
          OR additional_data IS NOT NULL;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('pga', '0008_audit_scrub_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveIndex(
                    model_name='auditentry',
                    name='audit_scrub_idx',
                ),
                migrations.AlterField(
                    model_name='auditentry',
                    name='actor',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor'),
                ),
                migrations.AlterField(
                    model_name='auditentry',
                    name='content_type',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype', verbose_name='content type'),
                ),
                migrations.AlterField(
                    model_name='auditentry',
                    name='object_pk',
                    field=models.CharField(max_length=255, verbose_name='object pk'),
                ),
                migrations.AlterField(
                    model_name='auditentry',
                    name='cid',
                    field=models.CharField(blank=True, max_length=255, null=True, verbose_name='Correlation ID'),
                ),
                migrations.AddIndex(
                    model_name='auditentry',
                    index=models.Index(fields=['cid'], name='audit_cid_idx'),
                ),
            ],
        ),
    ]
