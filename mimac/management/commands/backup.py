from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mimac import backups
from mimac.jobs import PeriodicJob


class Command(PeriodicJob, BaseCommand):
    help = (
        "Write a consistent copy of the database and every photo, encrypted to BACKUP_PUBLIC_KEY (age), to "
        "BACKUP_DIR, and delete backups there older than BACKUP_RETENTION_DAYS. Its timer runs it nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, default=settings.BACKUP_DIR, help="The folder for backups.")
        parser.add_argument("--keep-days", type=int, default=settings.BACKUP_RETENTION_DAYS)

    def handle(self, *args, to, keep_days, **options):
        if not settings.BACKUP_PUBLIC_KEY:
            raise CommandError("Set BACKUP_PUBLIC_KEY to an age public key (age1…); keep its private key offline.")
        try:
            written = backups.write(to, settings.BACKUP_PUBLIC_KEY)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        size, photos = written.path.stat().st_size, written.photos
        self.stdout.write(f"Wrote {written.path} ({size:,} bytes, encrypted): the database and {photos} photos.")
        for name in written.missing:
            # The backup is made all the same; a photo already gone from the server is not one it could hold.
            self.stderr.write(f"A photo's file is missing from PHOTO_ROOT, so it is not in the backup: {name}")
        for old in backups.expired(to, keep_days):
            old.unlink()
            self.stdout.write(f"Deleted {old.name}: older than {keep_days} days.")
