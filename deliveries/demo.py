"""Today's published routes for the demo volunteer (one with the newcomer beside them), past done ones,
two weeks at the hub desk, and two problems planted for the audit to find (`audit/demo.py` plants a third):

- last week's Eastside morning route delivered 15 lb of produce but carried only 10 lb;
- the first household on that route says nothing came, though its stop is marked delivered;
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from deliveries.models import HouseholdReport, Route, RouteLoad
from deliveries.services import add_stops, publish, record_count, record_handout, record_spoilage, record_stop
from mimac.models import Category, Chapter
from pickups.models import Pickup
from pickups.services import check_intake
from recipients.models import Household


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    food = {category.code: category for category in Category.objects.all()}
    _count_everything(hub, users, today - datetime.timedelta(days=13))
    routes = _routes(chapter, hub, users, today)
    _over_delivered(routes["Eastside morning", -7], food["produce"], users)
    Route.objects.filter(chapter=chapter, date__lt=today).update(status=Route.Status.DONE)
    _hub_desk(chapter, hub, users, today, food)


def _routes(chapter, hub, users, today) -> dict:
    households = list(
        Household.objects.filter(chapter=chapter, status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY)
    )
    plans = [
        # name, days from today, driver, helpers, first household, how many
        ("Eastside morning", 0, "volunteer", [], 0, 5),
        ("Grand Blvd afternoon", 0, "volunteer", ["newcomer"], 5, 4),
        ("Eastside morning", -7, "volunteer", [], 0, 5),
        ("Eastside morning", -14, "volunteer", [], 0, 5),
    ]
    routes = {}
    for name, days, driver, helpers, first, count in plans:
        route = Route.objects.create(
            chapter=chapter, hub=hub, date=today + datetime.timedelta(days=days), name=name, driver=users[driver]
        )
        route.helpers.set(users[helper] for helper in helpers)
        add_stops(route=route, households=households[first : first + count], version=route.version)
        route.refresh_from_db()
        publish(route=route, by=users["coordinator"], version=route.version)
        routes[name, days] = route
    return routes


def _over_delivered(route, produce, users) -> None:
    """A route that delivered more than it carried, and a household that says nothing came."""
    volunteer = users["volunteer"]
    RouteLoad.objects.create(
        route=route, direction="out", category=produce, quantity=10, countersigned_by=users["coordinator"],
        recorded_by=volunteer,
    )  # fmt: skip
    stops = list(route.stops.select_related("household"))
    for stop in stops:
        record_stop(stop=stop, by=volunteer, outcome="delivered", lines=[(produce, Decimal(3))])
    HouseholdReport.objects.create(
        household=stops[0].household, date=route.date, kind="nothing", via="phone", recorded_by=users["coordinator"]
    )


def _hub_desk(chapter, hub, users, today, food):
    walk_ins = list(Household.objects.filter(chapter=chapter, hub=hub, mode=Household.Mode.WALK_IN)[:4])
    desk, coordinator = users["volunteer"], users["coordinator"]
    for days_ago in range(12, 0, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() in (1, 3):  # walk-in hours on Tuesdays and Thursdays
            for number, household in enumerate([*walk_ins, None]):
                lines = [(food["produce"], Decimal(4 + number)), (food["canned-goods"], Decimal(3))]
                people = None if household else 1 + number % 3  # a household counts its size
                record_handout(hub=hub, by=desk, date=day, lines=lines, household=household, people=people)
        if day.weekday() == 4:
            record_spoilage(hub=hub, by=desk, date=day, category=food["produce"], quantity=Decimal(6), reason="mould")
    done = Pickup.objects.filter(hub=hub, status=Pickup.Status.DONE).exclude(date=today).order_by("date")
    for pickup in list(done.prefetch_related("assignments"))[2:]:  # the two oldest wait for it, to show the flag
        took_part = {pickup.recorded_by_id, *(assignment.volunteer_id for assignment in pickup.assignments.all())}
        counter = next((user for user in (coordinator, desk) if user.pk not in took_part), None)
        if counter:
            lines = [(line.category, line.quantity) for line in pickup.lines.newest()]
            check_intake(pickup=pickup, by=counter, lines=lines)


def _count_everything(hub, users, day):
    lines = [(category, Decimal(200)) for category in Category.objects.filter(active=True)]
    return record_count(hub=hub, by=users["volunteer"], date=day, counted_by=users["coordinator"], lines=lines)
