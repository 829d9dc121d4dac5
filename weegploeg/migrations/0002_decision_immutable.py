from django.db import migrations

# Rule 4: a decision is immutable once taken. The database refuses any UPDATE of a decision
# row; a correction is a new row that refers to the old one. (Deletion stays possible: the
# retention purge removes a decision together with its signal.)
FORWARD = """
CREATE FUNCTION weegploeg_decision_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Een besluit is onveranderlijk; leg een correctie vast als nieuw besluit.'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER weegploeg_decision_no_update
    BEFORE UPDATE ON weegploeg_decision
    FOR EACH ROW EXECUTE FUNCTION weegploeg_decision_immutable();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS weegploeg_decision_no_update ON weegploeg_decision;
DROP FUNCTION IF EXISTS weegploeg_decision_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("weegploeg", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
