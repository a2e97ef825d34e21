import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from mimac.models import Category, Chapter, Hub, TrailEvent
from pickups.models import IntakeCheckLine, Pickup, PickupAssignment, PickupLine
from pickups.services import AFTER_CUTOFF

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


def busy_elsewhere(pickup: Pickup) -> dict[int, list[Pickup]]:
    """Who is already on another pickup that day in an overlapping window: volunteer id → those pickups."""
    busy = {}
    assignments = PickupAssignment.objects.filter(pickup__in=Pickup.objects.overlapping(pickup))
    for assignment in assignments.select_related("pickup__supplier").order_by("pickup__window_start"):
        busy.setdefault(assignment.volunteer_id, []).append(assignment.pickup)
    return busy


def upcoming_occurrences(schedule, today: datetime.date, horizon: datetime.timedelta):
    """What a schedule will produce from today (or its first day): dates kept and skipped, for a preview."""
    first = max(today, schedule.starts_on)
    return schedule.occurrences(first, first + horizon)[:PREVIEW_DATES]


RELIABILITY_DAYS = 90


@dataclass
class Reliability:
    due: int
    on_time: int
    missed: list[Pickup]
    first: datetime.date

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def reliability(supplier, today: datetime.date) -> Reliability:
    """How well the chapter kept its word to a supplier over the last 90 days: every pickup due before
    today, and today's once recorded (one still to come today is not yet due).

    A pickup counts as kept when it was recorded done with an arrival inside its window. Whether an
    arrival fell inside needs the chapter's time zone, so it is decided here, over at most a few
    dozen rows of one supplier.
    """
    first = today - datetime.timedelta(days=RELIABILITY_DAYS)
    recorded_today = Q(date=today, status__in=[Pickup.Status.DONE, Pickup.Status.MISSED])
    due = list(
        supplier.pickups.filter(date__gte=first)
        .filter(Q(date__lt=today) | recorded_today)
        .exclude(status=Pickup.Status.CANCELLED)
        .select_related("supplier__chapter", "recorded_by")
        .order_by("-date")
    )
    return Reliability(
        due=len(due),
        on_time=sum(pickup.arrived_on_time for pickup in due),
        missed=[pickup for pickup in due if pickup.status == Pickup.Status.MISSED],
        first=first,
    )


def received_by_month(supplier, since: datetime.date) -> list[dict]:
    """Quantities received per month and category (the newest entry of each corrected line counts), each with
    its category's name in the reader's language (`category_label`)."""
    rows = (
        PickupLine.objects.newest()
        .filter(pickup__supplier=supplier, pickup__date__gte=since)
        .annotate(month=TruncMonth("pickup__date"))
        .values("month", "category", "category__code", "category__name", "category__names", "category__unit")
        .annotate(total=Sum("quantity"))
        .order_by("-month", "category__name")
    )
    label = Category.label_of
    return [
        {**row, "category_label": label(row["category__code"], row["category__name"], row["category__names"])}
        for row in rows
    ]


def lines_of(pickup: Pickup) -> QuerySet:
    """Every line as written, corrections beside what they correct; `correction_exists` marks the replaced."""
    return (
        pickup.lines.select_related("category", "recorded_by", "corrects")
        .annotate(correction_exists=Exists(PickupLine.objects.filter(corrects=OuterRef("pk"))))
        .order_by("category__name", "recorded_at")
    )


# A pickup that came in should be counted again by a second member within this long.
INTAKE_CHECK_WITHIN = datetime.timedelta(days=1)


def awaiting_intake_check(pickups: QuerySet) -> QuerySet:
    """Pickups that came in and nobody has counted again yet."""
    return pickups.filter(status=Pickup.Status.DONE, intake_check__isnull=True).select_related("supplier", "hub")


def unchecked_after_a_day(pickups: QuerySet, now: datetime.datetime) -> QuerySet:
    return awaiting_intake_check(pickups).filter(arrived_at__lt=now - INTAKE_CHECK_WITHIN)


@dataclass
class IntakeDifference:
    pickup: Pickup
    category: str
    unit: str
    recorded: Decimal
    counted: Decimal


def intake_differences(pickups: QuerySet) -> list[IntakeDifference]:
    """Per pickup and category, where the second count differs from the recorded lines (newest rows count).

    The database first finds the checked pickups with a line the other side has no exact match for (two
    anti-joins, one pass over a year's lines), and only those few are added up and compared.
    """
    suspects = pickups.filter(_has_unmatched_line(pickups), intake_check__isnull=False)
    suspects = list(suspects.values_list("pk", flat=True))
    recorded = _totals(PickupLine.objects.newest().filter(pickup__in=suspects), "pickup")
    counted = _totals(IntakeCheckLine.objects.newest().filter(check_of__pickup__in=suspects), "check_of__pickup")
    by_pk = Pickup.objects.filter(pk__in=suspects).select_related("supplier", "hub").in_bulk()
    differences = []
    for key in sorted(recorded.keys() | counted.keys()):
        was, now = recorded.get(key, Decimal(0)), counted.get(key, Decimal(0))
        if was != now:
            pickup_id, name, unit = key
            differences.append(IntakeDifference(by_pk[pickup_id], name, unit, was, now))
    return differences


def _has_unmatched_line(pickups: QuerySet) -> Q:
    """A recorded line without a counted one of its category and quantity, or the other way round."""
    in_scope = pickups.values("pk")
    same_count = IntakeCheckLine.objects.newest().filter(
        check_of__pickup=OuterRef("pickup"), category=OuterRef("category"), quantity=OuterRef("quantity")
    )
    same_line = PickupLine.objects.newest().filter(
        pickup=OuterRef("check_of__pickup"), category=OuterRef("category"), quantity=OuterRef("quantity")
    )
    recorded = PickupLine.objects.newest().filter(~Exists(same_count), pickup__in=in_scope).values("pickup")
    counted = IntakeCheckLine.objects.newest().filter(~Exists(same_line), check_of__pickup__in=in_scope)
    return Q(pk__in=recorded) | Q(pk__in=counted.values("check_of__pickup"))


def _totals(lines: QuerySet, pickup_path: str) -> dict:
    rows = lines.values(pickup_path, "category__name", "category__unit").annotate(total=Sum("quantity"))
    return {(row[pickup_path], row["category__name"], row["category__unit"]): row["total"] for row in rows}


def given_back(chapter: Chapter, volunteer, *, late: bool) -> QuerySet:
    """The trail's lines of the volunteer's give-backs in the chapter, before the cut-off or after it (then a
    coordinator took them off). The trail is kept for TRAIL_RETENTION_MONTHS, and so are these."""
    ending = f" given back by #{volunteer.pk}{AFTER_CUTOFF if late else ''}"
    lines = TrailEvent.objects.filter(kind=TrailEvent.Kind.GIVEN_BACK, chapter=chapter, subject__endswith=ending)
    return lines.select_related("actor").order_by("at")


def given_back_pickup(line: TrailEvent) -> int:
    """The id of the pickup a give-back's trail line names."""
    return int(line.subject.split()[1])
