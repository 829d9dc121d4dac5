from django.db import migrations, models

# Issue 17: one language per enum's stored values (docs/adr/0008-stored-values.md).
# RetentionBasis "geen_casusoverleg" → "no_casusoverleg" (the rule's key, also in its URL
# /bewaartermijnen/termijnen/<basis>/, and the tombstones' outcome); Phenomenon and
# SourceCategory "overig" → "other" on the tombstones; NotificationMethod and
# PostponementGround "anders" → "other". The audit entries keep the old values.


def _rename(old_basis, new_basis, old_other, new_other, old_else, new_else):
    return f"""
UPDATE retention_retentionrule SET basis = '{new_basis}' WHERE basis = '{old_basis}';
UPDATE retention_deletedsignal SET outcome = '{new_basis}' WHERE outcome = '{old_basis}';
UPDATE retention_deletedsignal SET phenomenon = '{new_other}' WHERE phenomenon = '{old_other}';
UPDATE retention_deletedsignal SET source_category = '{new_other}'
 WHERE source_category = '{old_other}';
UPDATE retention_notification SET method = '{new_else}' WHERE method = '{old_else}';
UPDATE retention_notification SET ground = '{new_else}' WHERE ground = '{old_else}';
"""


class Migration(migrations.Migration):
    dependencies = [("retention", "0004_free_text_maxima"),
                    ("weegploeg", "0005_stored_values_in_one_language")]

    operations = [
        migrations.RunSQL(
            _rename("geen_casusoverleg", "no_casusoverleg", "overig", "other", "anders", "other"),
            _rename("no_casusoverleg", "geen_casusoverleg", "other", "overig", "other", "anders"),
        ),
        # The choices (state only; the values were renamed above).
        migrations.RemoveConstraint(
            model_name="notification",
            name="notification_postponed_has_ground_and_recheck",
        ),
        migrations.AlterField(
            model_name="deletedsignal",
            name="phenomenon",
            field=models.CharField(choices=[("jihadisme", "Jihadisme"), ("rechts_extremisme", "Rechts-extremisme"), ("links_extremisme", "Links-extremisme"), ("anti_institutioneel", "Anti-institutioneel extremisme"), ("other", "Overig / onduidelijk")], max_length=30, verbose_name="fenomeen"),
        ),
        migrations.AlterField(
            model_name="deletedsignal",
            name="source_category",
            field=models.CharField(choices=[("professional", "Professional"), ("burger", "Burger"), ("politie_registratie", "Politieregistratie"), ("ambtsbericht_aivd", "Ambtsbericht AIVD"), ("doorverwijzing_lse", "Doorverwijzing Landelijk Steunpunt Extremisme"), ("om", "Openbaar Ministerie"), ("other", "Overig")], max_length=30, verbose_name="bron"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="ground",
            field=models.CharField(blank=True, choices=[("nationale_veiligheid", "Nationale veiligheid"), ("strafrechtelijk_onderzoek", "Voorkoming, opsporing of vervolging van strafbare feiten"), ("bescherming_anderen", "Bescherming van de rechten van anderen"), ("other", "Anders (toelichting verplicht)")], max_length=30, verbose_name="grond voor uitstel"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="method",
            field=models.CharField(blank=True, choices=[("brief", "Per brief"), ("gesprek", "In een gesprek"), ("telefoon", "Telefonisch"), ("other", "Anders")], max_length=10, verbose_name="hoe"),
        ),
        migrations.AlterField(
            model_name="retentionrule",
            name="basis",
            field=models.CharField(choices=[("casusoverleg", "Besluit: casusoverleg"), ("no_casusoverleg", "Besluit: geen casusoverleg"), ("withdrawn", "Ingetrokken of onterecht geregistreerd")], max_length=30, unique=True, verbose_name="uitkomst of status"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("status", "postponed"), _negated=True), models.Q(models.Q(("ground", ""), _negated=True), ("recheck_on__isnull", False), models.Q(models.Q(("ground", "other"), _negated=True), models.Q(("ground_detail", ""), _negated=True), _connector="OR")), _connector="OR"), name="notification_postponed_has_ground_and_recheck"),
        ),
    ]
