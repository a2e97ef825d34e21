from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries import services
from deliveries.models import DeliveryLine, PlannedItem, Route, Stop
from deliveries.services import RouteRefused
from mimac.models import Category
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page, texts_of


@pytest.fixture
def route(world):
    households = [make_household(world.chapter, name=name) for name in ("Amina", "Bilal")]
    return make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households, status="published")


@pytest.fixture
def volunteer(client, world):
    client.force_login(world.volunteer.user)
    return client


def test_a_volunteer_sees_only_their_own_routes(volunteer, world, route):
    other = make_route(world.chapter, world.hub, driver=world.coordinator.user, status="published", name="Not yours",
                       households=[make_household(world.chapter, name="Chen")])  # fmt: skip
    page = volunteer.get(reverse("deliveries:my_routes")).text
    assert "Amina" in page
    assert "Chen" not in page
    assert volunteer.get(reverse("deliveries:stop_record", args=[other.stops.get().pk])).status_code == 404
    household = other.stops.get().household
    assert volunteer.get(reverse("recipients:household_detail", args=[household.pk])).status_code == 404


def test_a_stop_is_recorded_as_delivered_with_the_planned_quantities_by_default(volunteer, world, route):
    stop = route.stops.first()
    form = volunteer.get(reverse("deliveries:stop_record", args=[stop.pk]))
    assert_clean_page(form)
    produce = Category.objects.get(code="produce")
    planned = stop.planned_items.get().quantity
    assert form.context["form"][f"category_{produce.pk}"].value() == planned

    response = volunteer.post(
        reverse("deliveries:stop_record", args=[stop.pk]), {"outcome": "delivered", f"category_{produce.pk}": "7"}
    )
    assert response.status_code == 302
    stop.refresh_from_db()
    assert (stop.outcome, stop.recorded_by) == ("delivered", world.volunteer.user)
    assert [(line.category, line.quantity) for line in stop.delivered_lines.all()] == [(produce, Decimal(7))]
    assert "1 of 2 stops recorded" in volunteer.get(reverse("deliveries:my_routes")).text


def test_not_home_records_no_lines(volunteer, world, route):
    stop = route.stops.first()
    volunteer.post(reverse("deliveries:stop_record", args=[stop.pk]), {"outcome": "not_home", "note": "left a card"})
    stop.refresh_from_db()
    assert (stop.outcome, stop.note) == ("not_home", "left a card")
    assert not DeliveryLine.objects.exists()


def test_two_people_recording_one_stop_at_once_the_second_is_told(volunteer, client, world, route):
    stop = route.stops.first()
    services.record_stop(stop=stop, by=world.coordinator.user, outcome=Stop.Outcome.NOT_HOME, lines=[])
    response = volunteer.post(reverse("deliveries:stop_record", args=[stop.pk]), {"outcome": "refused"})
    assert "already recorded this stop as not home" in response.text
    stop.refresh_from_db()
    assert stop.outcome == Stop.Outcome.NOT_HOME


def test_a_draft_routes_stops_are_not_recorded(world):
    route = make_route(world.chapter, world.hub, households=[make_household(world.chapter)])
    with pytest.raises(RouteRefused, match="published route"):
        services.record_stop(stop=route.stops.get(), by=world.coordinator.user, outcome="not_home", lines=[])


def test_my_route_shows_each_diet_or_allergy_clash_beside_the_item_it_concerns(volunteer, clashing_route):
    page = volunteer.get(reverse("deliveries:my_routes"))
    assert_clean_page(page)
    assert "Meat and fish planned for a halal household." in page.text
    assert texts_of(page.text, "planned-item") == [
        "Bakery 2 lb ⚠ Bakery may contain nut; allergies: peanuts.",
        "Meat and fish 4 lb ⚠ Meat and fish planned for a halal household.",
        "Produce 9 lb",
    ]
    stop = volunteer.get(reverse("deliveries:stop_record", args=[clashing_route.stops.get().pk]))
    assert "Meat and fish planned for a halal household." in stop.text


def test_my_route_runs_the_same_queries_for_1_and_25_stops(volunteer, world, django_assert_num_queries):
    household = make_household(world.chapter)
    route = make_route(
        world.chapter, world.hub, driver=world.volunteer.user, households=[household], status="published"
    )
    url = reverse("deliveries:my_routes")
    # session, user, memberships, today's and tomorrow's routes, stops, items, session save (in a savepoint)
    with django_assert_num_queries(9) as one:
        volunteer.get(url)
    Route.objects.filter(pk=route.pk).update(status="draft")
    route.refresh_from_db()
    services.add_stops(
        route=route, households=[make_household(world.chapter) for _ in range(24)], version=route.version
    )
    Route.objects.filter(pk=route.pk).update(status="published")
    assert PlannedItem.objects.filter(stop__route=route).values("stop").distinct().count() == 25
    with django_assert_num_queries(len(one.captured_queries)):
        volunteer.get(url)
