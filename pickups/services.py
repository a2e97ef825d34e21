import datetime
from dataclasses import dataclass

from django.db import transaction

from mimac.models import Chapter
from pickups.models import Pickup, PickupAssignment, PickupSchedule, Supplier

HORIZON_WEEKS = 8


@dataclass
class PlanResult:
    created: int = 0
    removed: int = 0

    def __add__(self, other: "PlanResult") -> "PlanResult":
        return PlanResult(self.created + other.created, self.removed + other.removed)


@transaction.atomic
def plan_schedule(
    *, schedule: PickupSchedule, today: datetime.date | None = None, horizon_weeks: int = HORIZON_WEEKS
) -> PlanResult:
    """Make the schedule's pickups from today to the horizon match its recurrence and closures.

    Idempotent. Only future pickups nobody has taken or recorded are replaced; past, recorded and
    taken ones are never touched (a unique constraint also keeps one pickup per schedule and day).
    """
    schedule = PickupSchedule.objects.select_for_update().select_related("supplier__chapter").get(pk=schedule.pk)
    today = today or schedule.chapter.today()
    last = today + datetime.timedelta(weeks=horizon_weeks)
    wanted = set()
    if schedule.active and schedule.supplier.active:
        wanted = {o.date for o in schedule.occurrences(today, last) if not o.skipped_because}

    future = schedule.pickups.filter(date__gte=today)
    stale = future.untouched().exclude(
        date__in=wanted, hub=schedule.hub, window_start=schedule.window_start, window_end=schedule.window_end
    )
    _, removed = stale.delete()
    existing = set(future.values_list("date", flat=True))
    pickups = Pickup.objects.bulk_create(
        Pickup(
            schedule=schedule,
            supplier=schedule.supplier,
            hub=schedule.hub,
            date=date,
            window_start=schedule.window_start,
            window_end=schedule.window_end,
        )
        for date in sorted(wanted - existing)
    )
    volunteers = list(schedule.default_volunteers.all())
    PickupAssignment.objects.bulk_create(
        PickupAssignment(pickup=pickup, volunteer=volunteer) for pickup in pickups for volunteer in volunteers
    )
    return PlanResult(created=len(pickups), removed=removed.get("pickups.Pickup", 0))


def plan_supplier(*, supplier: Supplier) -> PlanResult:
    return _plan_all(supplier.schedules.all())


def plan_chapter(*, chapter: Chapter) -> PlanResult:
    return _plan_all(PickupSchedule.objects.filter(supplier__chapter=chapter))


def plan_everything(*, today: datetime.date | None = None) -> PlanResult:
    return _plan_all(PickupSchedule.objects.all(), today=today)


def _plan_all(schedules, today=None) -> PlanResult:
    return sum((plan_schedule(schedule=schedule, today=today) for schedule in schedules), PlanResult())
