from django.db import migrations

# Rule 4, in the database (issue 15): the basis of a decision is as immutable as the decision.
# - A decision row is inserted only when its agenda item (of the same signal) holds exactly
#   the three votes of the signal's core partners — the politie and the OM of the signal's
#   weegploeg and one of its gemeenten (the person's municipality when known) — all for the
#   decision's outcome. A correction (same outcome, rule 4) meets the same test.
# - Once an item has a decision, no vote of it is inserted, updated or deleted; a decision
#   is not deleted either. The one exception is the retention purge, which deletes the whole
#   dossier: the deletion checks run at the commit (deferred constraint triggers) and let it
#   pass only when the item (for a vote) or the signal (for a decision) is gone too.
FORWARD = r"""
CREATE FUNCTION weegploeg_decision_needs_unanimous_votes() RETURNS trigger AS $$
DECLARE
    wp pga_weegploeg;
    municipality bigint;
    item_signal bigint;
    politie integer;
    om integer;
    gemeente integer;
    other integer;
BEGIN
    SELECT signal_id INTO item_signal FROM weegploeg_agendaitem WHERE id = NEW.item_id;
    SELECT w.* INTO wp
      FROM signals_signal s JOIN pga_weegploeg w ON w.id = s.weegploeg_id
     WHERE s.id = NEW.signal_id;
    SELECT p.municipality_id INTO municipality
      FROM signals_signal s JOIN signals_person p ON p.id = s.person_id
     WHERE s.id = NEW.signal_id;
    SELECT count(*) FILTER (WHERE v.outcome = NEW.outcome AND v.partner_id = wp.politie_id),
           count(*) FILTER (WHERE v.outcome = NEW.outcome AND v.partner_id = wp.om_id),
           count(*) FILTER (WHERE v.outcome = NEW.outcome AND pt.kind = 'gemeente'
                              AND pt.weegploeg_id = wp.id
                              AND (municipality IS NULL OR v.partner_id = municipality)),
           count(*)
      INTO politie, om, gemeente, other
      FROM weegploeg_vote v JOIN pga_partner pt ON pt.id = v.partner_id
     WHERE v.item_id = NEW.item_id;
    IF item_signal IS DISTINCT FROM NEW.signal_id
       OR politie <> 1 OR om <> 1 OR gemeente <> 1 OR other <> 3 THEN
        RAISE EXCEPTION 'Een besluit vraagt drie gelijke stemmen van de drie kernpartners.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER weegploeg_decision_needs_votes
    BEFORE INSERT ON weegploeg_decision
    FOR EACH ROW EXECUTE FUNCTION weegploeg_decision_needs_unanimous_votes();

CREATE FUNCTION weegploeg_vote_of_decided_item() RETURNS trigger AS $$
DECLARE
    target bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.item_id ELSE OLD.item_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM weegploeg_decision d WHERE d.item_id = target)
       OR (TG_OP = 'UPDATE' AND NEW.item_id <> OLD.item_id
           AND EXISTS (SELECT 1 FROM weegploeg_decision d WHERE d.item_id = NEW.item_id)) THEN
        RAISE EXCEPTION 'Over dit agendapunt is besloten; de stemmen liggen vast.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER weegploeg_vote_fixed_after_decision
    BEFORE INSERT OR UPDATE ON weegploeg_vote
    FOR EACH ROW EXECUTE FUNCTION weegploeg_vote_of_decided_item();

CREATE FUNCTION weegploeg_vote_deleted_with_its_item() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM weegploeg_agendaitem i
                WHERE i.id = OLD.item_id
                  AND (i.status = 'decided'
                       OR EXISTS (SELECT 1 FROM weegploeg_decision d WHERE d.item_id = i.id)))
    THEN
        RAISE EXCEPTION 'Over dit agendapunt is besloten; de stemmen liggen vast.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER weegploeg_vote_delete_with_dossier
    AFTER DELETE ON weegploeg_vote DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION weegploeg_vote_deleted_with_its_item();

CREATE FUNCTION weegploeg_decision_deleted_with_its_signal() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM signals_signal s WHERE s.id = OLD.signal_id) THEN
        RAISE EXCEPTION 'Een besluit gaat alleen weg met het hele dossier.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER weegploeg_decision_delete_with_dossier
    AFTER DELETE ON weegploeg_decision DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION weegploeg_decision_deleted_with_its_signal();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS weegploeg_decision_delete_with_dossier ON weegploeg_decision;
DROP FUNCTION IF EXISTS weegploeg_decision_deleted_with_its_signal();
DROP TRIGGER IF EXISTS weegploeg_vote_delete_with_dossier ON weegploeg_vote;
DROP FUNCTION IF EXISTS weegploeg_vote_deleted_with_its_item();
DROP TRIGGER IF EXISTS weegploeg_vote_fixed_after_decision ON weegploeg_vote;
DROP FUNCTION IF EXISTS weegploeg_vote_of_decided_item();
DROP TRIGGER IF EXISTS weegploeg_decision_needs_votes ON weegploeg_decision;
DROP FUNCTION IF EXISTS weegploeg_decision_needs_unanimous_votes();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("weegploeg", "0002_decision_immutable"),
        ("signals", "0001_initial"),
        ("pga", "0001_initial"),
    ]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
