import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from mimac import extensions, trail
from mimac.jobs import PeriodicJob
from recipients.services import purge, retention_cutoff


class Command(PeriodicJob, BaseCommand):
    help = (
        "Erase the personal data of households paused or ended longer than the retention period, keeping "
        "only anonymous counts, and what else is kept past its retention (the security trail, donors' names). "
        "A dry run unless --apply. Its timer runs it monthly, with --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Erase; without it, only list what would be.")
        parser.add_argument(
            "--months", type=int, default=settings.HOUSEHOLD_RETENTION_MONTHS, help="The retention period."
        )
        parser.add_argument(
            "--trail-months",
            type=int,
            default=settings.TRAIL_RETENTION_MONTHS,
            help="How long the security trail and sign-in failure records are kept.",
        )

    def counts_as_run(self, options):
        return options.get("apply", False)  # a dry run erases nothing: the job has not run

    def handle(self, *args, apply, months, trail_months, **options):
        before = retention_cutoff(months)
        households = purge(before=before, apply=apply)
        verb = "Erased" if apply else "Would erase (dry run; add --apply)"
        self.stdout.write(f"{verb}: {len(households)} households paused or ended before {before}.")
        for household in households:
            self.stdout.write(f"  {household.code}  {household.get_status_display()} since {household.status_since}")
        trail_before = retention_cutoff(trail_months)
        lines = trail.purge(datetime.datetime.combine(trail_before, datetime.time(), tzinfo=datetime.UTC), apply=apply)
        self.stdout.write(
            f"{verb}: {lines} security trail lines and sign-in failure records from before {trail_before}."
        )
        for purge_more in extensions.retention_purges:  # what apps above keep past their own retention
            self.stdout.write(purge_more(apply))
