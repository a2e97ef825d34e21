"""A coordinator moves a route's remaining stops to another route mid-day: recorded stops stay, the goods go with
them as ledger rows, and both routes still balance in the audit."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from audit.queries import Audit, Period
from deliveries import services
from deliveries.models import Route, RouteLoad, Stop, StopTransfer
from mimac.models import Category, Role
from tests.factories import make_household, make_member, make_route
from tests.pages import assert_clean_page, texts_of, without_bdi


@pytest.fixture
def produce(db):
    return Category.objects.get(code="produce")


def _loaded_route(world, produce, name, driver, count):
    """Today's published route of `count` households of 3 (9 lb of produce planned each), loaded out as planned."""
    households = [make_household(world.chapter, name=f"{name} {number}") for number in range(count)]
    route = make_route(world.chapter, world.hub, driver=driver, households=households, status="published", name=name)
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=9 * count,
                             countersigned_by=world.coordinator.user, recorded_by=driver)  # fmt: skip
    return route


@pytest.fixture
def day(world, produce):
    """Eastside (4 stops, the first two delivered) and Westside (2 stops), both on the road today."""
    bea = make_member(world.chapter, "bea", first_name="Bea").user
    east = _loaded_route(world, produce, "Eastside", world.volunteer.user, 4)
    west = _loaded_route(world, produce, "Westside", bea, 2)
    for stop in east.stops.order_by("sequence")[:2]:
        services.record_stop(stop=stop, by=world.volunteer.user, outcome="delivered", lines=[(produce, Decimal(9))])
    return east, west


def _remaining(route):
    return list(route.stops.filter(outcome="").order_by("sequence"))


def _move(client, route, stops, to):
    url = reverse("deliveries:route_move_stops", args=[route.pk])
    return client.post(url, {"stops": [stop.pk for stop in stops], "to_route": to.pk})


def test_a_coordinator_moves_the_remaining_stops_with_their_goods_and_both_routes_still_balance(
    client, world, day, produce
):
    east, west = day
    moving = _remaining(east)
    client.force_login(world.coordinator.user)

    response = _move(client, east, moving, west)

    transfer = StopTransfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deliveries:transfer_slip", args=[transfer.pk])
    assert [(stop.route, stop.sequence) for stop in Stop.objects.filter(pk__in=[s.pk for s in moving])] == [
        (west, 3), (west, 4),
    ]  # fmt: skip
    back = RouteLoad.objects.get(route=east, direction="back")
    out = RouteLoad.objects.exclude(route=east).latest("pk")
    assert (back.quantity, back.recorded_by) == (Decimal(18), world.coordinator.user)
    assert (out.route, out.direction, out.quantity, out.countersigned_by) == (west, "out", 18, world.coordinator.user)
    assert set(transfer.loads.all()) == {back, out}
    assert set(transfer.stops.all()) == set(moving)
    assert (transfer.from_route, transfer.to_route, transfer.moved_by) == (east, west, world.coordinator.user)

    for stop in west.stops.all():
        services.record_stop(stop=stop, by=world.volunteer.user, outcome="delivered", lines=[(produce, Decimal(9))])
    balances = Audit(world.chapter, [world.hub], Period(east.date, east.date)).route_balances
    assert [(b.route_id, b.carried, b.delivered, b.flagged) for b in balances] == [
        (east.pk, Decimal(18), Decimal(18), False),
        (west.pk, Decimal(36), Decimal(36), False),
    ]


def test_both_routes_pages_keep_the_move_and_mark_the_goods_as_moved_by_the_coordinator(client, world, day):
    east, west = day
    client.force_login(world.coordinator.user)
    _move(client, east, _remaining(east), west)
    codes = [stop.household.code for stop in west.stops.order_by("sequence")[2:]]

    [east_move] = texts_of(client.get(reverse("deliveries:route_detail", args=[east.pk])).text, "route-move")
    [west_move] = texts_of(client.get(reverse("deliveries:route_detail", args=[west.pk])).text, "route-move")
    assert east_move.startswith("Moved to Westside by Coordinator at ")
    assert west_move.startswith("Taken over from Eastside by Coordinator at ")
    for move in (east_move, west_move):
        assert all(code in move for code in codes)
        assert move.endswith("Slip for the receiving driver")
    for route in (east, west):
        load_page = client.get(reverse("deliveries:route_load", args=[route.pk]))
        assert_clean_page(load_page)
        assert "moved by coordinator" in load_page.text


def test_the_slip_lists_the_moved_stops_their_addresses_plans_and_the_goods_for_the_receiving_driver(
    client, world, day
):
    east, west = day
    moving = _remaining(east)
    client.force_login(world.coordinator.user)
    slip = client.get(_move(client, east, moving, west)["Location"])
    assert_clean_page(slip)
    text = without_bdi(slip.text)
    for stop in moving:
        assert f"{stop.household.code} {stop.household.name}" in text
        assert stop.household.address_line in text
    assert "Produce: 9 lb" in text, "the plan of each stop"
    assert "Produce 18 lb" in text, "the goods handed over"
    assert without_bdi(slip.text).count("Delivered") == 2, "one stop a row"
    assert "Eastside 0" not in text, "a stop already done stays off the slip"


def test_only_what_the_first_route_still_carries_goes_with_the_stops(client, world, produce):
    """Nothing loaded out, nothing handed over: the slip says to load at the hub, and no ledger row is written."""
    bea = make_member(world.chapter, "bea").user
    east = make_route(world.chapter, world.hub, driver=world.volunteer.user, status="published",
                      households=[make_household(world.chapter)])  # fmt: skip
    west = make_route(world.chapter, world.hub, driver=bea, status="published", name="Westside")
    client.force_login(world.coordinator.user)
    slip = client.get(_move(client, east, _remaining(east), west)["Location"])
    assert not RouteLoad.objects.exists()
    assert "Load their items at the hub." in slip.text
    assert Route.objects.get(pk=west.pk).stops.count() == 1


def test_a_recorded_stop_never_moves(client, world, day):
    east, west = day
    recorded = east.stops.exclude(outcome="").first()
    client.force_login(world.coordinator.user)

    response = _move(client, east, [recorded, *_remaining(east)], west)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    with pytest.raises(services.RouteRefused, match="a recorded stop stays on its route"):
        services.move_stops(route=east, stops=[recorded], to=west, by=world.coordinator.user)
    assert not StopTransfer.objects.exists()
    assert not RouteLoad.objects.filter(direction="back").exists()
    assert Stop.objects.get(pk=recorded.pk).route == east


def test_what_does_not_belong_to_the_route_or_its_day_is_refused(client, world, day, produce):
    east, west = day
    other_chapter = make_route(world.other_chapter, world.other_hub, status="published",
                               households=[make_household(world.other_chapter)])  # fmt: skip
    tomorrow = make_route(world.chapter, world.hub, date=east.date + datetime.timedelta(days=1), status="published",
                          name="Tomorrow")  # fmt: skip
    draft = make_route(world.chapter, world.hub, name="Still a draft")
    client.force_login(world.coordinator.user)
    remaining = _remaining(east)
    refused = {
        "a stop of another route": _move(client, east, west.stops.all()[:1], west),
        "a stop of another chapter": _move(client, east, other_chapter.stops.all(), west),
        "the same route": _move(client, east, remaining, east),
        "a route of another chapter": _move(client, east, remaining, other_chapter),
        "a route of another day": _move(client, east, remaining, tomorrow),
        "a draft route": _move(client, east, remaining, draft),
        "nothing chosen": _move(client, east, [], west),
        "an id no database holds": client.post(
            reverse("deliveries:route_move_stops", args=[east.pk]), {"stops": [str(2**63)], "to_route": west.pk}
        ),
    }
    for what, response in refused.items():
        assert response.status_code == 200, what
        assert response.context["form"].errors, what
    assert not StopTransfer.objects.exists()
    assert [Stop.objects.get(pk=stop.pk).route for stop in remaining] == [east, east]


def test_the_service_refuses_a_move_the_form_would_not_offer(world, day):
    east, west = day
    by, remaining = world.coordinator.user, _remaining(east)
    with pytest.raises(services.RouteRefused, match="Choose another route"):
        services.move_stops(route=east, stops=remaining, to=east, by=by)
    with pytest.raises(services.RouteRefused, match="Choose at least one stop"):
        services.move_stops(route=east, stops=[], to=west, by=by)
    Route.objects.filter(pk=west.pk).update(status="done")
    with pytest.raises(services.RouteRefused, match="published route"):
        services.move_stops(route=east, stops=remaining, to=west, by=by)
    assert not StopTransfer.objects.exists()


def test_a_done_route_offers_nothing_to_move(client, world, day):
    east, west = day
    Route.objects.filter(pk=east.pk).update(status="done")
    client.force_login(world.coordinator.user)
    page = client.get(reverse("deliveries:route_move_stops", args=[east.pk]))
    assert "this route is not on the road" in page.text
    response = _move(client, east, _remaining(east), west)
    assert response.status_code == 200
    assert not StopTransfer.objects.exists()


def test_the_same_stops_do_not_move_twice(world, day):
    east, west = day
    third = make_route(world.chapter, world.hub, driver=make_member(world.chapter, "cy").user, status="published",
                       name="Northside")  # fmt: skip
    remaining = _remaining(east)
    services.move_stops(route=east, stops=remaining, to=west, by=world.coordinator.user)
    with pytest.raises(services.RouteRefused, match="no longer on this route"):
        services.move_stops(route=east, stops=remaining, to=third, by=world.coordinator.user)
    assert RouteLoad.objects.filter(direction="back").count() == 1


def test_only_coordinators_of_the_chapter_move_stops(client, world, day):
    east, west = day
    for user, answer in [(world.volunteer.user, 403), (world.auditor.user, 403), (world.other_coordinator.user, 404)]:
        client.force_login(user)
        assert _move(client, east, _remaining(east), west).status_code == answer
    assert not StopTransfer.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: there is no race to test")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_coordinators_moving_the_same_stops_at_once_move_them_once(world, produce):
    east = _loaded_route(world, produce, "Eastside", world.volunteer.user, 3)
    targets = [
        make_route(world.chapter, world.hub, driver=make_member(world.chapter, name).user, status="published",
                   name=name)
        for name in ("west", "north")
    ]  # fmt: skip
    second = make_member(world.chapter, "cody", Role.COORDINATOR).user
    stops, start, outcomes = list(east.stops.all()), threading.Barrier(2), []

    def move(to, by):
        try:
            start.wait()
            services.move_stops(route=east, stops=stops, to=to, by=by)
            outcomes.append("moved")
        except services.RouteRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    people = [world.coordinator.user, second]
    threads = [threading.Thread(target=move, args=pair) for pair in zip(targets, people, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "A stop you chose is no longer on this route. Nothing was moved: look again.",
        "moved",
    ]
    assert StopTransfer.objects.count() == 1
    assert RouteLoad.objects.filter(direction="back").count() == 1
    assert Stop.objects.filter(route=StopTransfer.objects.get().to_route).count() == 3
