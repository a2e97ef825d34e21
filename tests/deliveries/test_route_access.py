"""A route's pages by its date in the chapter's zone; the whole table of who sees what by status and date is in
tests/test_permissions.py."""

import datetime
import zoneinfo

import time_machine
from django.urls import reverse

from deliveries.models import DeliveryLine
from mimac.models import Category
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page


def test_tomorrow_is_counted_in_the_chapters_zone(client, world):
    """At 23:30 on 3 December in Honolulu it is already the 4th in UTC: the 5th is still two days away there."""
    world.chapter.time_zone = "Pacific/Honolulu"
    world.chapter.save()
    late_evening = datetime.datetime(2026, 12, 3, 23, 30, tzinfo=zoneinfo.ZoneInfo("Pacific/Honolulu"))
    with time_machine.travel(late_evening, tick=False):
        routes = {
            day: make_route(world.chapter, world.hub, date=datetime.date(2026, 12, day), driver=world.volunteer.user,
                            status="published", households=[make_household(world.chapter, name=f"H{day}")])
            for day in (4, 5)
        }  # fmt: skip
        client.force_login(world.volunteer.user)
        assert client.get(reverse("deliveries:route_print", args=[routes[4].pk])).status_code == 200
        assert client.get(reverse("deliveries:route_print", args=[routes[5].pk])).status_code == 403


def test_a_stop_of_tomorrows_route_is_seen_but_not_recorded_before_its_day(client, world):
    tomorrow = world.chapter.today() + datetime.timedelta(days=1)
    route = make_route(world.chapter, world.hub, date=tomorrow, driver=world.volunteer.user, status="published",
                       households=[make_household(world.chapter)])  # fmt: skip
    stop = route.stops.get()
    client.force_login(world.volunteer.user)
    produce = Category.objects.get(code="produce")
    response = client.post(
        reverse("deliveries:stop_record", args=[stop.pk]), {"outcome": "delivered", f"category_{produce.pk}": "9"}
    )

    stop.refresh_from_db()
    assert stop.outcome == ""
    assert not DeliveryLine.objects.exists()
    assert "recorded on its day" in response.text


def test_tomorrows_route_is_listed_to_print_but_not_its_stops(client, world):
    tomorrow = world.chapter.today() + datetime.timedelta(days=1)
    route = make_route(world.chapter, world.hub, date=tomorrow, driver=world.volunteer.user, status="published",
                       households=[make_household(world.chapter, name="Dalia")], name="Northside Friday")  # fmt: skip
    client.force_login(world.volunteer.user)

    page = client.get(reverse("deliveries:my_routes"))

    assert "Northside Friday" in page.text
    assert reverse("deliveries:route_print", args=[route.pk]) in page.text
    assert "Dalia" not in page.text
    assert_clean_page(page)
