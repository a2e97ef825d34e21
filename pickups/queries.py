import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from mimac.models import Hub
from pickups.models import Pickup, PickupAssignment

# How many upcoming dates a schedule's preview lists.
PREVIEW_DATES = 12


@dataclass
class Day:
    date: datetime.date
    pickups: list[Pickup]


def with_volunteers(pickups: QuerySet) -> QuerySet:
    assignments = PickupAssignment.objects.select_related("volunteer").order_by("volunteer__first_name")
    return pickups.select_related("supplier__chapter", "hub").prefetch_related(
        Prefetch("assignments", queryset=assignments)
    )


def week_at_hub(hub: Hub, monday: datetime.date) -> list[Day]:
    """The seven days from `monday`, each with the hub's pickups (cancelled ones left out)."""
    sunday = monday + datetime.timedelta(days=6)
    pickups = with_volunteers(
        Pickup.objects.filter(hub=hub).between(monday, sunday).exclude(status=Pickup.Status.CANCELLED)
    )
    by_date = {}
    for pickup in pickups:
        by_date.setdefault(pickup.date, []).append(pickup)
    return [Day(day, by_date.get(day, [])) for day in (monday + datetime.timedelta(days=n) for n in range(7))]


def upcoming_occurrences(schedule, today: datetime.date, horizon: datetime.timedelta):
    """What a schedule will produce from today (or its first day): dates kept and skipped, for a preview."""
    first = max(today, schedule.starts_on)
    return schedule.occurrences(first, first + horizon)[:PREVIEW_DATES]
