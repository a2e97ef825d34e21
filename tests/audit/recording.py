"""Recording what the audit adds up, a line each: days counted from today, pickups done, stock counts and routes
that took some produce out."""

import datetime

from deliveries import services as deliveries_services
from deliveries.models import RouteLoad
from hubdesk import services as hubdesk_services
from pickups import services as pickups_services
from tests.factories import make_household, make_pickup, make_route


def on_day(world, days):
    return world.chapter.today() + datetime.timedelta(days=days)


def receive(world, days, lines, hub=None):
    pickup = make_pickup(world, days_ahead=days, hub=hub)
    pickups_services.record_done(
        pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=lines
    )
    return pickup


def count_stock(world, days, lines, hub=None):
    return hubdesk_services.record_count(
        hub=hub or world.hub, by=world.volunteer.user, date=on_day(world, days), counted_by=world.coordinator.user,
        lines=lines,
    )  # fmt: skip


def route_that_delivered(world, produce, name, delivered):
    """A route with one stop that took 5 of produce out and delivered `delivered`."""
    by = world.volunteer.user
    route = make_route(world.chapter, world.hub, driver=by, households=[make_household(world.chapter)],
                       status="published", name=name)  # fmt: skip
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=5,
                             countersigned_by=world.coordinator.user, recorded_by=by)  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, delivered)])
