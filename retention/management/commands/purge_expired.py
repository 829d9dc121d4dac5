"""`python manage.py purge_expired [--dry-run] [--limit N]`: the retention purge for
operations. The dry run lists what would be deleted — reference numbers and counts only —
and changes nothing; without it, the purge runs synchronously in this process and records
a run like the nightly job. It runs also when RETENTION_PURGE_ENABLED is off (that setting
governs the nightly job); legal holds and RETENTION_MIN_AGE_DAYS always apply."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from retention.models import PurgeTrigger
from retention.purge import purge_due
from retention.selectors import runs_with_results


class Command(BaseCommand):
    help = "Vernietig signalen waarvan de bewaartermijn verstreken is (docs/design.md §3 regel 8)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Toon wat vernietigd zou worden; verander niets.")
        parser.add_argument("--limit", type=int, default=None,
                            help="Ten hoogste zoveel signalen (standaard RETENTION_MAX_PER_RUN).")

    def handle(self, *args, dry_run=False, limit=None, **options):
        report = purge_due(timezone.now(), dry_run=dry_run, limit=limit,
                           trigger=PurgeTrigger.COMMAND, synchronous=True)
        write = self.stdout.write
        write(f"Peildatum: {report.today.isoformat()}")
        write(f"Te vernietigen: {report.due}")
        write(f"Overgeslagen wegens juridische blokkade: {report.skipped_for_hold}")
        write(f"Verlopen blokkades (te beoordelen): {report.expired_holds}")
        write(f"Afgesloten signalen zonder vernietigingsdatum: {report.without_deletion_date}")
        if dry_run:
            write(f"Zou vernietigen ({len(report.selected)}):")
            for _pk, reference in report.selected:
                write(f"  {reference}")
            write(f"Bestanden van eerdere runs nog te verwijderen: {report.pending_files} "
                  "signalen")
            write("Proefdraai: er is niets veranderd.")
            return
        run = runs_with_results().get(pk=report.run.pk)
        write(f"Vernietigd: {run.purged} van {run.selected}")
        write(f"Mislukt: {run.failed}")
        for failure in run.failures.all():
            write(f"  {failure.reference}: {failure.error}")
        write(f"Bestanden van eerdere runs verwijderd: {run.files_completed} signalen")
        write(f"Run {run.pk} vastgelegd.")
