import io
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from mimac import backups


class Command(BaseCommand):
    help = (
        "Bring a backup back into a new, empty database (the one DATABASE_URL names) and its photos into an empty "
        "PHOTO_ROOT, with the private key given now. Each photo is checked by today's photo policy first, and one "
        "it refuses is held back and named. Then erase again what the retention purge has erased since, and "
        "verify the ledger."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--identity", required=True, help="The age private key's file, or - to paste it.")

    def handle(self, *args, file, identity, **options):
        private_key = sys.stdin.read() if identity == "-" else Path(identity).read_text()
        try:
            restored = backups.load(file, private_key)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file.name}.")
        if restored.photos is None:
            self.stdout.write("This backup was made before backups held the photos: copy PHOTO_ROOT back by hand.")
        else:
            self.stdout.write(f"Photos brought back, each checked by the photo policy: {restored.photos}.")
        for name, problem in sorted(restored.held_back.items()):
            self.stderr.write(f"Photo held back, not restored: {name}: {problem}")
        call_command("migrate", verbosity=0)  # a backup of an older version gets this version's tables
        call_command("purge_households", apply=True, stdout=self.stdout)
        report = io.StringIO()
        call_command("verify_ledger", stdout=report)
        self.stdout.write(report.getvalue().rstrip())
