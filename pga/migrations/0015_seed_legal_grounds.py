"""The legal grounds the list starts with (docs/design.md §3 rule 13); the functioneel
beheerder keeps the list from here on. "Nieuwe wet PGA-R" is a placeholder: not in force,
so not offered, until the beheerder switches it on when the law takes effect."""

from django.db import migrations

GROUNDS = [
    ("Wpg art. 18", "Wet politiegegevens, artikel 18 (verstrekking voor een samenwerkingsverband)",
     True),
    ("Wpg art. 20", "Wet politiegegevens, artikel 20 (verstrekking voor een bijzonder doel)",
     True),
    ("Wjsg art. 39f", "Wet justitiële en strafvorderlijke gegevens, artikel 39f", True),
    ("AVG art. 6(1)(e) en het lokale convenant",
     "AVG artikel 6, eerste lid, onder e (taak van algemeen belang), met het lokale convenant",
     True),
    ("Nieuwe wet PGA-R", "Plaatshouder tot de wet in werking treedt", False),
]


def seed(apps, schema_editor):
    LegalGround = apps.get_model("pga", "LegalGround")
    for name, source, in_force in GROUNDS:
        LegalGround.objects.get_or_create(name=name,
                                          defaults={"source": source, "in_force": in_force})


def unseed(apps, schema_editor):
    apps.get_model("pga", "LegalGround").objects.filter(
        name__in=[name for name, _source, _in_force in GROUNDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("pga", "0014_legal_ground")]
    operations = [migrations.RunPython(seed, unseed)]
