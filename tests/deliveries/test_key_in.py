import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries import services
from deliveries.models import DeliveryLine, Route, Stop
from mimac.models import Category
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


def published_route(world, count=3, days_ago=0):
    households = [make_household(world.chapter, name=f"H{number}") for number in range(count)]
    date = world.chapter.today() - datetime.timedelta(days=days_ago)
    return make_route(world.chapter, world.hub, date=date, driver=world.volunteer.user, households=households,
                      status="published")  # fmt: skip


def sheet(route, outcomes, quantities=None, returned=True):
    produce = Category.objects.get(code="produce")
    data = {"sheet_returned": "on"} if returned else {}
    for stop, outcome in zip(route.stops.order_by("sequence"), outcomes, strict=True):
        data[f"stop_{stop.pk}_outcome"] = outcome
        data[f"stop_{stop.pk}_category_{produce.pk}"] = (quantities or {}).get(stop.sequence, "9")
    return data


def test_a_whole_sheet_is_keyed_in_at_once(coordinator, world):
    route = published_route(world)
    url = reverse("deliveries:route_key_in", args=[route.pk])
    assert_clean_page(coordinator.get(url))
    response = coordinator.post(url, sheet(route, ["delivered", "not_home", "delivered"], {3: "4.5"}))
    assert response.status_code == 302
    route.refresh_from_db()
    assert (route.status, route.sheet_returned_to) == (Route.Status.DONE, world.coordinator.user)
    assert list(route.stops.values_list("outcome", flat=True)) == ["delivered", "not_home", "delivered"]
    assert sorted(DeliveryLine.objects.values_list("quantity", flat=True)) == [Decimal("4.5"), Decimal(9)]


def test_a_bad_row_saves_nothing_and_is_named(coordinator, world):
    route = published_route(world)
    response = coordinator.post(
        reverse("deliveries:route_key_in", args=[route.pk]),
        sheet(route, ["delivered", "delivered", "refused"], {2: "-1"}),
    )
    assert "Some stops need a look: nothing was saved." in response.text
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert not DeliveryLine.objects.exists()
    assert not route.stops.exclude(outcome="").exists()


def test_key_in_of_a_whole_route_is_one_transaction(world):
    route = published_route(world)
    first, second, third = route.stops.order_by("sequence")
    services.record_stop(stop=third, by=world.volunteer.user, outcome=Stop.Outcome.REFUSED, lines=[])
    produce = Category.objects.get(code="produce")
    entries = [
        (first, "delivered", [(produce, Decimal(5))], ""),
        (second, "not_home", [], ""),
        (third, "delivered", [(produce, Decimal(5))], ""),
    ]
    with pytest.raises(services.RouteRefused, match=r"Stop 3 .* Nothing was saved\."):
        services.key_in(route=route, entries=entries, sheet_returned=True, by=world.coordinator.user)
    assert not DeliveryLine.objects.exists()
    assert list(route.stops.order_by("sequence").values_list("outcome", flat=True)) == ["", "", "refused"]
    route.refresh_from_db()
    assert route.sheet_returned_at is None


def test_delivered_without_quantities_is_refused(coordinator, world):
    route = published_route(world, count=1)
    data = sheet(route, ["delivered"], {1: ""})
    response = coordinator.post(reverse("deliveries:route_key_in", args=[route.pk]), data)
    assert "Delivered, but no quantity" in response.text


def test_a_sheet_not_back_a_day_later_is_listed_on_the_coordinators_home(coordinator, world):
    late = published_route(world, count=1, days_ago=1)
    published_route(world, count=1, days_ago=0)
    home = coordinator.get(reverse("dashboard:home")).text
    assert "Route sheets not back yet" in home
    assert reverse("deliveries:route_key_in", args=[late.pk]) in home
    coordinator.post(reverse("deliveries:route_key_in", args=[late.pk]), sheet(late, ["not_home"]))
    assert "Route sheets not back yet" not in coordinator.get(reverse("dashboard:home")).text


def test_the_key_in_page_runs_the_same_queries_for_1_and_25_stops(coordinator, world, django_assert_num_queries):
    one = published_route(world, count=1)
    many = published_route(world, count=25)
    with django_assert_num_queries(12) as first:  # 2 of them the library's block (hubdesk)
        coordinator.get(reverse("deliveries:route_key_in", args=[one.pk]))
    with django_assert_num_queries(len(first.captured_queries)):
        coordinator.get(reverse("deliveries:route_key_in", args=[many.pk]))
