"""The person index per weegploeg (docs/adr/0006), second step: every person now has its
weegploeg (0006), so the column is required and the matching indexes lead with it. A
migration of its own: PostgreSQL does not alter a table with the data changes of 0006 still
pending in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):

    dependencies = [("signals", "0006_person_weegploeg")]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="weegploeg",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="persons",
                to="pga.weegploeg", verbose_name="weegploeg",
            ),
        ),
        migrations.RemoveIndex(model_name="person", name="person_bsn_idx"),
        migrations.RemoveIndex(model_name="person", name="person_name_dob_idx"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(condition=~Q(bsn=""), fields=["weegploeg", "bsn"],
                               name="person_bsn_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["weegploeg", "normalised_name", "date_of_birth"],
                               name="person_name_dob_idx"),
        ),
    ]
