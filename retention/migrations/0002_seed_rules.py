from django.db import migrations

# docs/design.md §3 rule 8: the seeded defaults. The functioneel beheerder sets them to the local
# convenant and the law; the legal source says where each default comes from.
DEFAULTS = [
    {
        "basis": "casusoverleg",
        "period": 5,
        "unit": "years",
        "anchor": "last_processing",
        "legal_source": (
            "Modelconvenant Persoonsgerichte Aanpak Radicalisering en Extremisme (2017): "
            "gegevens van een casus worden uiterlijk vijf jaar na de laatste verwerking "
            "vernietigd. Standaardwaarde; stel in volgens het lokale convenant."
        ),
    },
    {
        "basis": "geen_casusoverleg",
        "period": 1,
        "unit": "years",
        "anchor": "outcome",
        "legal_source": (
            "Opslagbeperking (art. 5 lid 1 onder e AVG) en het modelconvenant: een signaal "
            "dat niet tot een casusoverleg leidt, wordt een jaar na het besluit vernietigd. "
            "Standaardwaarde; stel in volgens het lokale convenant."
        ),
    },
    {
        "basis": "withdrawn",
        "period": 30,
        "unit": "days",
        "anchor": "outcome",
        "legal_source": (
            "Opslagbeperking en recht op gegevenswissing (art. 5 lid 1 onder e en art. 17 "
            "AVG): een ingetrokken of onterecht geregistreerd signaal wordt binnen 30 dagen "
            "vernietigd. Standaardwaarde; stel in volgens het lokale convenant."
        ),
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for rule in DEFAULTS:
        RetentionRule.objects.get_or_create(basis=rule["basis"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
