"""Where a person lands after signing in, and the pages `next` may bring them back to."""

import html
import re

import pytest
from django.urls import reverse

from dashboard.views import RETURN_TO
from mimac.models import TrailEvent
from tests.factories import PASSWORD, make_household, make_member, make_route
from tests.pages import assert_clean_page
from tests.url_catalogue import all_urls


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


def _sign_in_on_the_page(client, response, username):
    """Sign in through the form `response` shows (it follows a redirect to the sign-in page), as a person would."""
    page = client.get(response["Location"])
    form = page.text[page.text.index(f'action="{reverse("login")}"') :]  # not the language switcher's
    next_url = re.search(r'name="next" value="([^"]*)"', form)[1]
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
    assert (landed.status_code, landed.request["PATH_INFO"]) == (200, reverse("dashboard:home"))
    assert "Welcome, Sam" in landed.text


def test_a_volunteer_signing_back_in_on_their_own_stop_page_returns_to_it(client, world, route):
    stop_page = reverse("deliveries:stop_record", args=[route.stops.first().pk])
    landed = _sign_in_on_the_page(client, client.get(stop_page), "volunteer")
    assert (landed.status_code, landed.request["PATH_INFO"]) == (200, stop_page)


def test_after_sign_in_follows_no_next_to_another_site(volunteer, world, route):
    response = volunteer.get(reverse("dashboard:after_sign_in"), {"next": "https://example.com/"})
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
            returns = client.get(reverse("dashboard:after_sign_in"), {"next": path})["Location"] == path
            assert returns == opens, f"{person.username} {'may' if opens else 'may not'} open {path}"


def test_every_page_to_return_to_is_a_page_of_the_url_conf():
    renamed = RETURN_TO - set(all_urls())
    assert not renamed, f"moved or renamed: name them in RETURN_TO as the URL conf does: {sorted(renamed)}"


def test_a_page_the_person_may_open_but_no_one_comes_back_to_is_not_followed(client, world, route):
    client.force_login(world.coordinator.user)
    page = reverse("deliveries:route_detail", args=[route.pk])
    assert client.get(page).status_code == 200
    assert client.get(reverse("dashboard:after_sign_in"), {"next": page})["Location"] == reverse("dashboard:home")


def test_a_coalition_admin_returns_to_any_page_of_the_site(client, world, route):
    client.force_login(world.admin)
    page = reverse("deliveries:route_detail", args=[route.pk])
    assert client.get(reverse("dashboard:after_sign_in"), {"next": page})["Location"] == page


def test_asking_whether_a_page_opens_leaves_no_refusal_in_the_trail(client, world, route):
    """The page's view answers by running, and a view that refuses writes the refusal to the trail; but the
    person did not ask for the page, their browser did, so what the view wrote is rolled back."""
    client.force_login(world.other_coordinator.user)
    page = reverse("deliveries:stop_record", args=[route.stops.first().pk])
    refusals = TrailEvent.objects.filter(kind=TrailEvent.Kind.REFUSED)
    assert client.get(reverse("dashboard:after_sign_in"), {"next": page})["Location"] == reverse("dashboard:home")
    assert refusals.count() == 0
    assert client.get(page).status_code == 404
    assert refusals.count() == 1, "opening the page itself is refused, and that is kept"
