"""Today's published routes for the demo volunteer (one with the newcomer beside them), past done ones, and
two weeks at the hub desk: walk-in handouts, spoilage, weekly counts and second counts of pickups."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from deliveries.models import Route
from deliveries.services import add_stops, publish, record_count, record_handout, record_spoilage
from mimac.models import Category, Chapter
from pickups.models import Pickup
from pickups.services import check_intake
from recipients.models import Household


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    households = list(
        Household.objects.filter(chapter=chapter, status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY)
    )
    plans = [
        # name, days from today, driver, helpers, first household, how many, published or done
        ("Eastside morning", 0, "volunteer", [], 0, 5, Route.Status.PUBLISHED),
        ("Grand Blvd afternoon", 0, "volunteer", ["newcomer"], 5, 4, Route.Status.PUBLISHED),
        ("Eastside morning", -7, "volunteer", [], 0, 5, Route.Status.DONE),
        ("Eastside morning", -14, "volunteer", [], 0, 5, Route.Status.DONE),
    ]
    for name, days, driver, helpers, first, count, status in plans:
        route = Route.objects.create(
            chapter=chapter, hub=hub, date=today + datetime.timedelta(days=days), name=name, driver=users[driver]
        )
        route.helpers.set(users[helper] for helper in helpers)
        add_stops(route=route, households=households[first : first + count], version=route.version)
        route.refresh_from_db()
        publish(route=route, by=users["coordinator"], version=route.version)
        if status == Route.Status.DONE:
            Route.objects.filter(pk=route.pk).update(status=status)
    _hub_desk(chapter, hub, users, today)


def _hub_desk(chapter, hub, users, today):
    food = {category.name: category for category in Category.objects.all()}
    walk_ins = list(Household.objects.filter(chapter=chapter, hub=hub, mode=Household.Mode.WALK_IN)[:4])
    desk, coordinator = users["volunteer"], users["coordinator"]
    for days_ago in range(14, 0, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() in (1, 3):  # walk-in hours on Tuesdays and Thursdays
            for number, household in enumerate([*walk_ins, None]):
                lines = [(food["Produce"], Decimal(4 + number)), (food["Canned goods"], Decimal(3))]
                record_handout(hub=hub, by=desk, date=day, lines=lines, household=household, people=1 + number % 3)
        if day.weekday() == 4:
            record_spoilage(hub=hub, by=desk, date=day, category=food["Produce"], quantity=Decimal(6), reason="mould")
            lines = [(food["Produce"], Decimal(18)), (food["Canned goods"], Decimal(40)), (food["Bakery"], Decimal(0))]
            record_count(hub=hub, by=desk, date=day, counted_by=coordinator, lines=lines)
    done = Pickup.objects.filter(hub=hub, status=Pickup.Status.DONE).exclude(date=today).order_by("date")
    for pickup in list(done.prefetch_related("assignments"))[2:]:  # the two oldest wait for it, to show the flag
        took_part = {pickup.recorded_by_id, *(assignment.volunteer_id for assignment in pickup.assignments.all())}
        counter = next((user for user in (coordinator, desk) if user.pk not in took_part), None)
        if counter:
            lines = [(line.category, line.quantity) for line in pickup.lines.newest()]
            check_intake(pickup=pickup, by=counter, lines=lines)
