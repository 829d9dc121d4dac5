"""The person index per weegploeg (docs/adr/0006): every person row belongs to one weegploeg.

Existing rows get the weegploeg of their signals. A row whose signals lie in several
weegploegen (the old national index linked them) is split: the first weegploeg keeps the
row, every other weegploeg gets its own copy with the same details, and its signals move to
that copy. A row without signals that nothing refers to is unreachable and is removed; one
that something still refers to stops the migration with a message, to be resolved by hand.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

COPIED = ("label", "first_names", "surname_prefix", "surname", "date_of_birth", "bsn",
          "address", "postcode", "municipality_id", "normalised_name")


def assign_weegploeg(apps, schema_editor):
    Person = apps.get_model("signals", "Person")
    Signal = apps.get_model("signals", "Signal")
    for person in Person.objects.order_by("pk").iterator():
        weegploegen = list(
            Signal.objects.filter(person=person).order_by("received_on", "pk")
            .values_list("weegploeg_id", flat=True)
        )
        first = list(dict.fromkeys(weegploegen))
        if not first:
            try:
                person.delete()
            except django.db.models.deletion.ProtectedError as error:
                raise RuntimeError(
                    f"Betrokkene {person.pk} heeft geen signalen maar wordt nog gebruikt; "
                    "koppel of verwijder de verwijzing en migreer opnieuw."
                ) from error
            continue
        person.weegploeg_id = first[0]
        person.save(update_fields=["weegploeg"])
        for weegploeg_id in first[1:]:
            copy = Person.objects.create(
                weegploeg_id=weegploeg_id, **{name: getattr(person, name) for name in COPIED}
            )
            Signal.objects.filter(person=person, weegploeg_id=weegploeg_id).update(person=copy)


class Migration(migrations.Migration):

    dependencies = [
        ("pga", "0009_audit_indexes_without_duplicates"),
        ("signals", "0005_queue_and_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="weegploeg",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="persons",
                to="pga.weegploeg", verbose_name="weegploeg",
            ),
        ),
        migrations.RunPython(assign_weegploeg, migrations.RunPython.noop),
    ]
