"""Standing deliveries at a coalition's scale, for `seed_scale` (audit) and the planner's benchmark.

Every active delivery household gets an arrangement (one or two weekdays a week, items from its size and needs) and
a place on a standing route of its hub for each of its weekdays: four routes per hub and weekday, Monday to Friday.
One household in fifty is left on no standing route (the planner lists it as unplaced) and one in forty is paused
for ten days from today. For the cover board, one coming pickup in five has a volunteer, and one of them is away for
three days from tomorrow.
"""

import datetime

from deliveries.absences import record_absence
from deliveries.models import DeliveryArrangement, Pause, StandingRoute, StandingStop, UsualItem
from deliveries.planning import suggested_items
from mimac.models import Category
from mimac.recurrence import WEEKDAYS
from pickups.models import Pickup, PickupAssignment
from recipients.models import Household

ROUTES_PER_HUB_AND_DAY = 4


def add_standing(chapter, hubs, volunteers, households, today: datetime.date, by) -> dict[str, int]:
    delivery = [h for h in households if h.mode == Household.Mode.DELIVERY and h.status == Household.Status.ACTIVE]
    routes = {}
    for weekday in range(5):
        for hub_number, hub in enumerate(hubs):
            for n in range(ROUTES_PER_HUB_AND_DAY):
                driver = volunteers[(weekday * 12 + hub_number * 4 + n) % len(volunteers)]
                routes[weekday, hub_number, n] = StandingRoute(
                    chapter=chapter, hub=hub, weekday=weekday, name=f"{WEEKDAYS[weekday][1]} {hub.name} {n}",
                    driver=driver,
                )  # fmt: skip
    StandingRoute.objects.bulk_create(routes.values())
    categories = {category.code: category for category in Category.objects.filter(active=True)}
    arrangements, places, sequences = [], [], {}
    for index, household in enumerate(delivery):
        weekdays = sorted({index % 5, (index + 2) % 5} if index % 3 == 0 else {index % 5})
        hub_number = index % len(hubs)
        arrangements.append(
            DeliveryArrangement(
                household=household, hub=hubs[hub_number], window=household.delivery_window,
                rrule="FREQ=WEEKLY;BYDAY=" + ",".join(WEEKDAYS[day][0] for day in weekdays),
                starts_on=chapter.started_on,
            )
        )  # fmt: skip
        if index % 50 == 7:
            continue
        for weekday in weekdays:
            route = routes[weekday, hub_number, (index // 15) % ROUTES_PER_HUB_AND_DAY]
            sequences[route.pk] = sequences.get(route.pk, 0) + 1
            places.append(StandingStop(standing_route=route, household=household, weekday=weekday,
                                       sequence=sequences[route.pk]))  # fmt: skip
    arrangements = DeliveryArrangement.objects.bulk_create(arrangements)
    UsualItem.objects.bulk_create(
        UsualItem(arrangement=arrangement, category=categories[code], quantity=quantity)
        for arrangement, household in zip(arrangements, delivery, strict=True)
        for code, quantity in suggested_items(household).items()
        if code in categories
    )
    StandingStop.objects.bulk_create(places)
    pauses = Pause.objects.bulk_create(
        Pause(household=household, starts_on=today, ends_on=today + datetime.timedelta(days=9), reason="travel",
              recorded_by=by)
        for index, household in enumerate(delivery)
        if index % 40 == 11
    )  # fmt: skip
    return {"arrangements": len(arrangements), "standing routes": len(routes), "places": len(places),
            "pauses": len(pauses)}  # fmt: skip


def add_cover(chapter, volunteers, today: datetime.date, by) -> int:
    """Volunteers on one coming pickup in five, the first of them away for three days from tomorrow, which frees
    theirs: the other coming pickups stay open. How many pickups the absence freed."""
    coming = Pickup.objects.filter(supplier__chapter=chapter, date__gte=today).order_by("date", "pk")
    PickupAssignment.objects.bulk_create(
        PickupAssignment(pickup=pickup, volunteer=volunteers[index % 5], assigned_by=by)
        for index, pickup in enumerate(list(coming)[::5])
    )
    first = today + datetime.timedelta(days=1)
    membership = chapter.memberships.get(user=volunteers[0])
    last = first + datetime.timedelta(days=2)
    return len(record_absence(membership=membership, starts_on=first, ends_on=last, by=by).pickups)
