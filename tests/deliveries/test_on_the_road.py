import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries import services
from deliveries.models import DeliveryLine, PlannedItem, Route, Stop
from deliveries.services import RouteRefused
from deliveries.views import RETURN_TO
from mimac.models import Category
from tests.factories import PASSWORD, make_household, make_member, make_route
from tests.pages import assert_clean_page, texts_of


@pytest.fixture
def route(world):
    households = [make_household(world.chapter, name=name) for name in ("Amina", "Bilal")]
    return make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households, status="published")


@pytest.fixture
def volunteer(client, world):
    client.force_login(world.volunteer.user)
    return client


def test_a_volunteer_on_a_route_today_lands_on_it_after_signing_in(client, world, route):
    response = client.post(reverse("login"), {"username": "volunteer", "password": "a-long-test-password"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("deliveries:my_routes")
    assert_clean_page(response)
    assert "Amina" in response.text
    assert "0 of 2 stops recorded" in response.text


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
    produce = Category.objects.get(name="Produce")
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
    # session, user, memberships, routes, stops, items, tomorrow's routes, session save (in a savepoint)
    with django_assert_num_queries(10) as one:
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


def _sign_in_on_the_page(client, response, username):
    """Sign in through the form `response` shows (it follows a redirect to the sign-in page), as a person would."""
    page = client.get(response["Location"])
    next_url = re.search(r'name="next" value="([^"]*)"', page.text)[1]
    data = {"username": username, "password": PASSWORD, "next": html.unescape(next_url)}
    return client.post(reverse("login"), data, follow=True)


def _switch_volunteer(client):
    """The "Not you? Switch volunteer" button of the sign-in page, as it is on the page."""
    page = client.get(reverse("login")).text
    form = page[: page.index("Switch volunteer")].rsplit("<form", 1)[1]
    action = re.search(r'action="([^"]+)"', form)[1]
    return client.post(action, dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)))


def test_the_next_volunteer_signing_in_on_the_last_ones_stop_page_lands_on_their_own_home(client, world, route):
    make_member(world.chapter, "sam", first_name="Sam")
    stop_page = reverse("deliveries:stop_record", args=[route.stops.first().pk])
    assert client.post(reverse("login"), {"username": "volunteer", "password": PASSWORD}).status_code == 302
    assert client.get(stop_page).status_code == 200
    assert _switch_volunteer(client)["Location"] == reverse("login"), "the sign-in page it leads to has no next"

    back = client.get(stop_page)  # the browser's Back button asks for the last volunteer's page again
    landed = _sign_in_on_the_page(client, back, "sam")
    assert (landed.status_code, landed.request["PATH_INFO"]) == (200, reverse("home"))
    assert "Welcome, Sam" in landed.text


def test_a_volunteer_signing_back_in_on_their_own_stop_page_returns_to_it(client, world, route):
    stop_page = reverse("deliveries:stop_record", args=[route.stops.first().pk])
    landed = _sign_in_on_the_page(client, client.get(stop_page), "volunteer")
    assert (landed.status_code, landed.request["PATH_INFO"]) == (200, stop_page)


def test_after_sign_in_follows_no_next_to_another_site(volunteer, world, route):
    response = volunteer.get(reverse("deliveries:after_sign_in"), {"next": "https://example.com/"})
    assert response["Location"] == reverse("deliveries:my_routes")


def _pages(name, world, routes):
    """Paths of the page `name` for every route (or its first stop) and for a hub of each chapter."""
    if name.startswith("deliveries:stop_"):
        return [reverse(name, args=[route.stops.first().pk]) for route in routes]
    if name.startswith("deliveries:route_"):
        return [reverse(name, args=[route.pk]) for route in routes]
    if name.startswith("hubdesk:"):
        return [reverse(name, args=[hub.pk]) for hub in (world.hub, world.other_hub)]
    return [reverse(name)]


@pytest.mark.parametrize("name", sorted(RETURN_TO))
def test_after_sign_in_returns_to_a_page_exactly_when_the_person_may_open_it(client, world, name):
    helper = make_member(world.chapter, "helper").user
    households = [make_household(world.chapter, name=status) for status in ("draft", "published", "done")]
    driver = world.volunteer.user
    routes = [make_route(world.chapter, world.hub, driver=driver, households=[h], status=h.name) for h in households]
    routes[1].helpers.add(helper)
    people = [world.volunteer.user, helper, world.observing.user, world.coordinator.user, world.auditor.user,
              world.other_coordinator.user, world.admin]  # fmt: skip
    for person in people:
        client.force_login(person)
        for path in _pages(name, world, routes):
            opens = client.get(path).status_code == 200
            returns = client.get(reverse("deliveries:after_sign_in"), {"next": path})["Location"] == path
            assert returns == opens, f"{person.username} {'may' if opens else 'may not'} open {path}"
