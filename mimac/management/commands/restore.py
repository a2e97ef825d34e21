import io
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from mimac import backups


class Command(BaseCommand):
    help = (
        "Bring a backup back into a new, empty database (the one DATABASE_URL names), with the private key "
        "given now; then erase again what the retention purge has erased since, and verify the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", required=True, help="The age private key's file, or - to paste it.")

    def handle(self, *args, file, identity, **options):
        private_key = sys.stdin.read() if identity == "-" else Path(identity).read_text()
        try:
            backups.load(file, private_key)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file.name}.")
        call_command("migrate", verbosity=0)  # a backup of an older version gets this version's tables
        call_command("purge_households", apply=True, stdout=self.stdout)
        report = io.StringIO()
        call_command("verify_ledger", stdout=report)
        self.stdout.write(report.getvalue().rstrip())
