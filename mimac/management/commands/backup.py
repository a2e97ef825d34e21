from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mimac import backups


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database, encrypted to BACKUP_PUBLIC_KEY (age), to BACKUP_DIR, "
        "and delete backups there older than BACKUP_RETENTION_DAYS. Run it nightly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, default=settings.BACKUP_DIR, help="The folder for backups.")
        parser.add_argument("--keep-days", type=int, default=settings.BACKUP_RETENTION_DAYS)

    def handle(self, *args, to, keep_days, **options):
        if not settings.BACKUP_PUBLIC_KEY:
            raise CommandError("Set BACKUP_PUBLIC_KEY to an age public key (age1…); keep its private key offline.")
        try:
            path = backups.write(to, settings.BACKUP_PUBLIC_KEY)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes, encrypted).")
        for old in backups.expired(to, keep_days):
            old.unlink()
            self.stdout.write(f"Deleted {old.name}: older than {keep_days} days.")
