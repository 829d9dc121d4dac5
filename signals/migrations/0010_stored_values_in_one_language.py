from django.db import migrations, models

# Issue 17: one language per enum's stored values (docs/adr/0008-stored-values.md).
# SourceCategory, ProfessionalSector and Phenomenon "overig" → "other"; the retention basis
# "geen_casusoverleg" → "no_casusoverleg". The audit entries keep the old values.


def _rename(old_other, new_other, old_basis, new_basis):
    return f"""
UPDATE signals_signal SET source_category = '{new_other}' WHERE source_category = '{old_other}';
UPDATE signals_signal SET source_sector = '{new_other}' WHERE source_sector = '{old_other}';
UPDATE signals_signal SET phenomenon = '{new_other}' WHERE phenomenon = '{old_other}';
UPDATE signals_signal SET retention_basis = '{new_basis}' WHERE retention_basis = '{old_basis}';
"""


class Migration(migrations.Migration):
    dependencies = [("signals", "0009_merge_0007_single_line_names_0008_match_notice")]

    operations = [
        migrations.RunSQL(
            _rename("overig", "other", "geen_casusoverleg", "no_casusoverleg"),
            _rename("other", "overig", "no_casusoverleg", "geen_casusoverleg"),
        ),
        # The choices (state only; the values were renamed above).
        migrations.AlterField(
            model_name="signal",
            name="phenomenon",
            field=models.CharField(choices=[("jihadisme", "Jihadisme"), ("rechts_extremisme", "Rechts-extremisme"), ("links_extremisme", "Links-extremisme"), ("anti_institutioneel", "Anti-institutioneel extremisme"), ("other", "Overig / onduidelijk")], max_length=30, verbose_name="fenomeen"),
        ),
        migrations.AlterField(
            model_name="signal",
            name="source_category",
            field=models.CharField(choices=[("professional", "Professional"), ("burger", "Burger"), ("politie_registratie", "Politieregistratie"), ("ambtsbericht_aivd", "Ambtsbericht AIVD"), ("doorverwijzing_lse", "Doorverwijzing Landelijk Steunpunt Extremisme"), ("om", "Openbaar Ministerie"), ("other", "Overig")], max_length=30, verbose_name="bron"),
        ),
        migrations.AlterField(
            model_name="signal",
            name="source_sector",
            field=models.CharField(blank=True, choices=[("onderwijs", "Onderwijs"), ("zorg_ggz", "Zorg / GGZ"), ("jeugd_jongerenwerk", "Jeugd- en jongerenwerk"), ("sociaal_domein", "Sociaal domein"), ("woningcorporatie", "Woningcorporatie"), ("other", "Overig")], max_length=30, verbose_name="sector van de professional"),
        ),
    ]
