import datetime

from django.core.management.base import BaseCommand

from deliveries.planner import plan_everything
from mimac.jobs import PeriodicJob
from recipients.models import Household


class Command(PeriodicJob, BaseCommand):
    help = (
        "Draft each delivery day's routes from the standing routes, as many days ahead as each chapter says (7 "
        "unless set). Safe to run again and again (run it daily from cron): it never duplicates, never touches a "
        "published or recorded route, and leaves what a person added or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="Plan as if today were this date (YYYY-MM-DD)."
        )

    def handle(self, *args, today, **options):
        result = plan_everything(today=today)
        self.stdout.write(
            f"{result.routes_created} routes drafted, {result.routes_removed} no longer wanted removed; "
            f"{result.stops_added} stops added, {result.stops_removed} removed; "
            f"{result.unplaced} due on no standing route."
        )
        left = Household.objects.filter(pk__in={household for household, *_rest in result.left_alone})
        codes = {
            pk: Household.code_of(code, number)
            for pk, code, number in left.values_list("pk", "chapter__code", "number")
        }
        for household, route, date, why, how in result.left_alone:
            self.stdout.write(f"Left alone: {codes[household]} on {route} {date:%Y-%m-%d} ({why}; {how}).")
