import django.contrib.postgres.fields
from django.db import migrations, models

# Issue 17: one language per enum's stored values (docs/adr/0008-stored-values.md).
# Outcome "geen_casusoverleg" → "no_casusoverleg"; CaseParty "overig" → "other".
# Decisions and the votes of decided items are immutable (migrations 0002 and 0003); their
# triggers are switched off for these statements and on again, in the same transaction.
# The audit entries keep the old values: they are append-only.
TRIGGERS = [("weegploeg_decision", "weegploeg_decision_no_update"),
            ("weegploeg_vote", "weegploeg_vote_fixed_after_decision")]


def _rename(old_outcome, new_outcome, old_party, new_party):
    off = "".join(f"ALTER TABLE {t} DISABLE TRIGGER {n};\n" for t, n in TRIGGERS)
    on = "".join(f"ALTER TABLE {t} ENABLE TRIGGER {n};\n" for t, n in TRIGGERS)
    return off + f"""
UPDATE weegploeg_vote SET outcome = '{new_outcome}' WHERE outcome = '{old_outcome}';
UPDATE weegploeg_decision SET outcome = '{new_outcome}' WHERE outcome = '{old_outcome}';
UPDATE weegploeg_decision
   SET invited_parties = array_replace(invited_parties, '{old_party}', '{new_party}')
 WHERE '{old_party}' = ANY(invited_parties);
UPDATE weegploeg_agendaitem
   SET invited_parties = array_replace(invited_parties, '{old_party}', '{new_party}')
 WHERE '{old_party}' = ANY(invited_parties);
""" + on


class Migration(migrations.Migration):
    dependencies = [("weegploeg", "0004_merge_decision_basis_and_free_text_maxima")]

    operations = [
        migrations.RunSQL(
            _rename("geen_casusoverleg", "no_casusoverleg", "overig", "other"),
            _rename("no_casusoverleg", "geen_casusoverleg", "other", "overig"),
        ),
        # The choices (state only; the values were renamed above).
        migrations.AlterField(
            model_name="agendaitem",
            name="invited_parties",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[("raad_kinderbescherming", "Raad voor de Kinderbescherming"), ("reclassering", "Reclassering"), ("jeugdbescherming", "Jeugdbescherming"), ("zorg_ggz", "Zorg / GGZ"), ("sociaal_domein", "Sociaal domein"), ("lse", "Landelijk Steunpunt Extremisme"), ("other", "Overig")], max_length=30), blank=True, default=list, size=None, verbose_name="uit te nodigen partijen"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="invited_parties",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[("raad_kinderbescherming", "Raad voor de Kinderbescherming"), ("reclassering", "Reclassering"), ("jeugdbescherming", "Jeugdbescherming"), ("zorg_ggz", "Zorg / GGZ"), ("sociaal_domein", "Sociaal domein"), ("lse", "Landelijk Steunpunt Extremisme"), ("other", "Overig")], max_length=30), blank=True, default=list, size=None),
        ),
        migrations.AlterField(
            model_name="decision",
            name="outcome",
            field=models.CharField(choices=[("casusoverleg", "Casusoverleg"), ("no_casusoverleg", "Geen casusoverleg"), ("more_information", "Nadere duiding")], max_length=20, verbose_name="uitkomst"),
        ),
        migrations.AlterField(
            model_name="vote",
            name="outcome",
            field=models.CharField(choices=[("casusoverleg", "Casusoverleg"), ("no_casusoverleg", "Geen casusoverleg"), ("more_information", "Nadere duiding")], max_length=20, verbose_name="stem"),
        ),
    ]
