"""Fictional suppliers with a realistic mix of schedules and closures, and their planned pickups."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from ledger import services as ledger
from mimac.models import Category, Chapter
from pickups.models import Pickup, PickupAssignment, PickupLine, PickupSchedule, Supplier
from pickups.services import plan_chapter, plan_schedule, put_on_pickup, record_done, record_missed, take_off_pickup

# name, kind, address, usual categories (codes), rrule, window (hours), usual volunteers
SUPPLIERS = {
    "RIV": [
        ("Sunrise Bakery", "bakery", "14 Baker St", ["bakery"], "FREQ=WEEKLY;BYDAY=TU,TH", (7, 8), ["volunteer"]),
        ("Corner Grocery", "grocery", "201 Main St", ["produce", "dairy-and-eggs"], "FREQ=WEEKLY;BYDAY=MO,WE,FR", (18, 19), ["volunteer"]),
        ("FreshMart Eastside", "grocery", "950 E Grand Blvd", ["produce", "meat-and-fish", "frozen"], "FREQ=WEEKLY;BYDAY=SA", (9, 11), ["coordinator"]),
        ("Green Acres Farm", "farm", "7700 Rural Rd", ["produce"], "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", (10, 12), []),
        ("Riverside Market Co-op", "grocery", "33 River St", ["produce", "dry-goods"], "FREQ=WEEKLY;BYDAY=TH", (16, 17), []),
        ("Mama Rosa's Kitchen", "restaurant", "88 Vine St", ["prepared-meals"], "FREQ=WEEKLY;BYDAY=SU", (21, 22), ["volunteer"]),
        ("Golden Wok", "restaurant", "412 Canal St", ["prepared-meals"], "FREQ=WEEKLY;BYDAY=FR", (22, 23), []),
        ("Daily Bread Co.", "bakery", "5 Mill Ln", ["bakery"], "FREQ=WEEKLY;BYDAY=MO,TH", (6, 7), ["coordinator"]),
        ("Great Lakes Food Distributors", "distributor", "1 Industrial Pkwy", ["canned-goods", "dry-goods", "baby-food-and-formula"], "FREQ=MONTHLY;BYDAY=+2TU", (10, 12), ["coordinator", "volunteer"]),
        ("Hillside Orchard", "farm", "3 Orchard Way", ["produce"], "FREQ=MONTHLY;BYDAY=-1FR", (13, 15), []),
        ("Pharmacy Plus", "other", "60 Main St", ["hygiene-products", "diapers"], "FREQ=MONTHLY;BYMONTHDAY=1", (9, 10), []),
        ("Second Chapter Books", "other", "12 Elm St", ["books", "school-supplies"], "FREQ=MONTHLY;BYMONTHDAY=15", (11, 12), []),
    ],
    "NGF": [
        ("Northgate Grocers", "grocery", "2 Northgate Ave", ["produce", "dairy-and-eggs"], "FREQ=WEEKLY;BYDAY=WE", (17, 18), ["coordinator2"]),
    ],
}  # fmt: skip


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    categories = {category.code: category for category in Category.objects.all()}
    for code, suppliers in SUPPLIERS.items():
        chapter = Chapter.objects.get(code=code)
        today = chapter.today()
        hubs = list(chapter.hubs.order_by("name"))
        for number, (name, kind, address, given, rrule, (opens, closes), volunteers) in enumerate(suppliers):
            supplier = Supplier.objects.create(
                chapter=chapter, name=name, kind=kind, address=address, contact_name="Store manager",
                contact_phone=f"(313) 555-01{number:02d}", instructions="Ring at the loading dock.",
            )  # fmt: skip
            supplier.categories.set(categories[category] for category in given)
            schedule = PickupSchedule.objects.create(
                supplier=supplier, hub=hubs[number % len(hubs)], rrule=rrule,
                starts_on=today - datetime.timedelta(days=60),
                window_start=datetime.time(opens), window_end=datetime.time(closes),
            )  # fmt: skip
            schedule.default_volunteers.set(users[username] for username in volunteers)
        _closures(chapter, today)
        for schedule in PickupSchedule.objects.filter(supplier__chapter=chapter):
            plan_schedule(schedule=schedule, today=today - datetime.timedelta(weeks=3), horizon_weeks=3)
        plan_chapter(chapter=chapter)
        _record_the_past_weeks(chapter, today, users)
        if chapter.memberships.filter(user__username="newcomer").exists():
            _newcomer_beside_the_volunteer(chapter, today, users)


def _newcomer_beside_the_volunteer(chapter: Chapter, today: datetime.date, users) -> None:
    """The newcomer's first pickups, for their track record: beside the volunteer, one done and one missed since
    they joined, and one of next week's they took and gave back."""
    newcomer = users["newcomer"]
    joined = newcomer.memberships.get(chapter=chapter).joined_on
    beside = Pickup.objects.filter(supplier__chapter=chapter, assignments__volunteer=users["volunteer"])
    past = beside.filter(date__gte=joined, date__lt=today).order_by("-date")
    for status in (Pickup.Status.DONE, Pickup.Status.MISSED):
        pickup = past.filter(status=status).first()
        if pickup:
            PickupAssignment.objects.create(pickup=pickup, volunteer=newcomer, assigned_by=newcomer)
    ahead = beside.filter(date__gte=today + datetime.timedelta(days=3), status=Pickup.Status.SCHEDULED).first()
    if ahead:
        put_on_pickup(pickup=ahead, volunteer=newcomer, by=newcomer)
        take_off_pickup(pickup=ahead, volunteer=newcomer, by=newcomer, coordinator=False)


def _record_the_past_weeks(chapter: Chapter, today: datetime.date, users) -> None:
    """Most past pickups done (a few late, one typo corrected afterwards), some missed with a reason."""
    recorder = next(user for name, user in users.items() if name in {"volunteer", "coordinator2"} and
                    user.memberships.filter(chapter=chapter).exists())  # fmt: skip
    coordinator = next(
        user for user in users.values() if user.memberships.filter(chapter=chapter, role="coordinator").exists()
    )
    past = (
        Pickup.objects.filter(supplier__chapter=chapter, date__lt=today)
        .select_related("supplier")
        .order_by("date", "pk")
    )
    for number, pickup in enumerate(past):
        if number % 9 == 4:
            reason = [
                Pickup.MissedReason.NO_VOLUNTEER,
                Pickup.MissedReason.NOTHING_TO_GIVE,
                Pickup.MissedReason.VEHICLE,
            ][number % 3]
            record_missed(pickup=pickup, by=recorder, reason=reason)
            continue
        minutes = 75 if number % 7 == 3 else 15  # now and then after the window closed
        categories = list(pickup.supplier.categories.all()[:2])
        lines = [(category, Decimal(10 + (number * 7 + index * 5) % 40)) for index, category in enumerate(categories)]
        record_done(
            pickup=pickup,
            by=recorder,
            arrived_at=pickup.window_starts_at + datetime.timedelta(minutes=minutes),
            lines=lines,
        )
    first_line = PickupLine.objects.filter(pickup__supplier__chapter=chapter).order_by("pk").first()
    if first_line:
        ledger.correct(
            first_line,
            by=coordinator,
            quantity=first_line.quantity / 10,
            reason="an extra zero typed on the sheet",
        )


def _closures(chapter: Chapter, today: datetime.date) -> None:
    for month, day, reason in [(12, 25, "Christmas Day"), (1, 1, "New Year's Day"), (7, 4, "Independence Day")]:
        date = datetime.date(today.year, month, day)
        chapter.closure_days.create(date=date if date >= today else date.replace(year=today.year + 1), reason=reason)
    farm = chapter.suppliers.filter(kind=Supplier.Kind.FARM).first()
    if farm:
        farm.closures.create(
            starts_on=today + datetime.timedelta(days=14),
            ends_on=today + datetime.timedelta(days=27),
            reason="harvest break",
        )
