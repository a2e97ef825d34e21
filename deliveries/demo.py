"""Today's published routes for the demo volunteer (one with the newcomer beside them, as last week; the other
half done, for the day board), past done ones, and two problems planted for the audit to find (`audit/demo.py`
plants the third):

- last week's Eastside morning route delivered 15 lb of produce but carried only 10 lb;
- the first household on that route says nothing came, though its stop is marked delivered.

The demo volunteer is away three days next week: their pickups of those days are on the cover board, freed by the
coordinator who recorded it.

Standing deliveries: households due every Tuesday on "Tuesday east" and every Thursday on "Thursday Grand Blvd",
one of them in hospital for two weeks (paused), one due every Friday on no standing route (unplaced), and the
week's drafts the planner makes from them.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from deliveries import planner
from deliveries.absences import record_absence
from deliveries.models import (
    DeliveryArrangement,
    HouseholdReport,
    Pause,
    Route,
    RouteLoad,
    StandingRoute,
    StandingStop,
    UsualItem,
)
from deliveries.planning import suggested_items
from deliveries.services import add_stops, publish, record_stop
from mimac.models import Category, Chapter
from recipients.models import Household


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    food = {category.code: category for category in Category.objects.all()}
    routes = _routes(chapter, hub, users, today)
    _over_delivered(routes["Eastside morning", -7], food["produce"], users)
    _half_done(routes["Eastside morning", 0], users)
    Route.objects.filter(chapter=chapter, date__lt=today).update(status=Route.Status.DONE)
    _standing(chapter, hub, users, today, food)
    away = today + datetime.timedelta(days=8)
    membership = chapter.memberships.get(user=users["volunteer"])
    record_absence(
        membership=membership, starts_on=away, ends_on=away + datetime.timedelta(days=2), by=users["coordinator"]
    )


def _standing(chapter, hub, users, today, food) -> None:
    """Standing routes on Tuesdays and Thursdays, a household in hospital for two weeks, one on no standing route."""
    households = list(
        Household.objects.filter(chapter=chapter, status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY)
    )[9:]
    plans = [("Tuesday east", 1, "FREQ=WEEKLY;BYDAY=TU", households[:6]),
             ("Thursday Grand Blvd", 3, "FREQ=WEEKLY;BYDAY=TH", households[6:11])]  # fmt: skip
    for name, weekday, _rrule, members in plans:
        route = StandingRoute.objects.create(
            chapter=chapter, hub=hub, weekday=weekday, name=name, driver=users["volunteer"]
        )
        route.helpers.set([users["newcomer"]] if weekday == 3 else [])
        for sequence, household in enumerate(members, start=1):
            StandingStop.objects.create(standing_route=route, household=household, weekday=weekday, sequence=sequence)
    arrangements = [(households[11], "FREQ=WEEKLY;BYDAY=FR")] if len(households) > 11 else []
    for _name, _weekday, rrule, members in plans:
        for household in members:
            arrangements.append((household, rrule))
    for household, rrule in arrangements:
        arrangement = DeliveryArrangement.objects.create(
            household=household, hub=hub, rrule=rrule, starts_on=today - datetime.timedelta(weeks=4),
            window=household.delivery_window,
        )  # fmt: skip
        UsualItem.objects.bulk_create(
            UsualItem(arrangement=arrangement, category=food[code], quantity=quantity)
            for code, quantity in suggested_items(household).items()
            if code in food
        )
    Pause.objects.create(
        household=households[1], starts_on=today - datetime.timedelta(days=2), ends_on=today + datetime.timedelta(days=11),
        reason=Pause.Reason.HOSPITAL, recorded_by=users["coordinator"],
    )  # fmt: skip
    planner.plan(chapter=chapter)


def _routes(chapter, hub, users, today) -> dict:
    households = list(
        Household.objects.filter(chapter=chapter, status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY)
    )
    plans = [
        # name, days from today, driver, helpers, first household, how many
        ("Eastside morning", 0, "volunteer", [], 0, 5),
        ("Grand Blvd afternoon", 0, "volunteer", ["newcomer"], 5, 4),
        ("Eastside morning", -7, "volunteer", ["newcomer"], 0, 5),  # the newcomer's first route shift
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


def _half_done(route, users) -> None:
    """This morning's first stops: delivered as planned, then nobody home. The rest wait for the volunteer. Its
    load-out is not recorded: mid-way through its day, the audit would count the route as short."""
    first, second = route.stops.prefetch_related("planned_items__category")[:2]
    lines = [(item.category, item.quantity) for item in first.planned_items.all()]
    record_stop(stop=first, by=users["volunteer"], outcome="delivered", lines=lines)
    record_stop(stop=second, by=users["volunteer"], outcome="not_home", lines=[], note="Left a card.")


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
