from django.db import migrations, models
from django.db.models.functions import Upper

# Issue 17: the queue indexes that migration 0005 creates CONCURRENTLY, now also declared in
# `Signal.Meta`. State only: the database already has them. The trigram indexes of 0005 stay
# in that migration only (they need pg_trgm; docs/adr/0007-performance.md).
OPEN = ["registered", "in_preparation", "on_agenda", "more_information"]


class Migration(migrations.Migration):
    dependencies = [("signals", "0010_stored_values_in_one_language")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="signal",
                    index=models.Index(fields=["-received_on", "-id"],
                                       condition=models.Q(status__in=OPEN),
                                       name="signal_open_received_idx"),
                ),
                migrations.AddIndex(
                    model_name="signal",
                    index=models.Index(Upper("reference"), name="signal_reference_upper_idx"),
                ),
            ],
        ),
    ]
