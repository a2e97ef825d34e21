import datetime

from django.core.management.base import BaseCommand

from mimac.jobs import PeriodicJob
from pickups.services import HORIZON_WEEKS, plan_everything


class Command(PeriodicJob, BaseCommand):
    help = (
        f"Plan pickups from every schedule for the next {HORIZON_WEEKS} weeks. Safe to run again and again "
        "(its timer runs it daily): it never duplicates, and never touches taken or recorded pickups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="Plan as if today were this date (YYYY-MM-DD)."
        )

    def handle(self, *args, today, **options):
        result = plan_everything(today=today)
        self.stdout.write(f"{result.created} pickups planned, {result.removed} no longer wanted removed.")
