from django.core.management.base import BaseCommand, CommandError

from pga.audit import verify_audit_chain


class Command(BaseCommand):
    help = "Controleer de hash-keten van het auditlog. Exit 0 als hij intact is."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        broken = verify_audit_chain(options["database"])
        if broken:
            seq, problem = broken
            raise CommandError(f"Auditlog niet intact: eerste gebroken regel {seq}: {problem}.")
        self.stdout.write("Auditlog intact.")
