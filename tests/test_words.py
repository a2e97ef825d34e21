"""Words people read, on screen and on paper: every choice by its label, never its code; every count with
its proper plural; no stray comma where a part of an address is missing."""

import datetime

import pytest
from django.urls import reverse

from mimac.models import Category
from tests.factories import make_household, make_route, make_supplier
from tests.pages import assert_clean_page, without_bdi

# The pages that show a household, and who opens them.
HOUSEHOLD_PAGES = {
    "household page": ("recipients:household_detail", "household", "coordinator"),
    "their data sheet": ("recipients:household_data", "household", "coordinator"),
    "route sheet": ("deliveries:route_print", "route", "coordinator"),
    "route builder": ("deliveries:route_detail", "route", "coordinator"),
    "planned items": ("deliveries:stop_items", "stop", "coordinator"),
    "my route": ("deliveries:my_routes", None, "volunteer"),
    "stop record": ("deliveries:stop_record", "stop", "volunteer"),
}


def _open(client, world, page, household):
    """The page, as its usual reader sees it, with the household on today's published route."""
    driver = world.volunteer.user
    route = make_route(world.chapter, world.hub, driver=driver, households=[household], status="published")
    name, argument, reader = HOUSEHOLD_PAGES[page]
    objects = {"household": household, "route": route, "stop": route.stops.get()}
    client.force_login(getattr(world, reader).user)
    response = client.get(reverse(name, args=[objects[argument].pk] if argument else []))
    assert_clean_page(response)
    return without_bdi(response.text)


@pytest.mark.parametrize("page", ["household page", "their data sheet", "route sheet", "planned items", "my route"])
def test_dietary_needs_are_shown_by_their_labels(client, world, page):
    household = make_household(world.chapter, dietary_needs=["low_sodium", "diabetic"])
    text = _open(client, world, page, household)
    assert "Low sodium, Diabetic" in text
    assert "low_sodium" not in text


@pytest.mark.parametrize("page", ["household page", "their data sheet"])
def test_non_food_needs_are_shown_by_their_labels(client, world, page):
    household = make_household(world.chapter, non_food_needs=["clothing", "school_supplies"])
    text = _open(client, world, page, household)
    assert "Clothing, School supplies" in text
    assert "school_supplies" not in text


@pytest.mark.parametrize("page", [page for page in HOUSEHOLD_PAGES if page != "planned items"])
def test_a_unit_without_a_street_shows_no_stray_comma(client, world, page):
    household = make_household(world.chapter, address="", unit="Apt 4")
    text = _open(client, world, page, household)
    assert "Apt 4" in text
    assert ", Apt 4" not in text


def test_the_household_list_shows_a_unit_without_a_stray_comma(client, world):
    make_household(world.chapter, address="", unit="Apt 4")
    client.force_login(world.coordinator.user)
    text = client.get(reverse("recipients:household_list")).text
    assert "Apt 4" in text
    assert ", Apt 4" not in text


@pytest.mark.parametrize("page", ["household page", "their data sheet"])
def test_one_adult_child_or_senior_is_counted_in_the_singular(client, world, page):
    household = make_household(world.chapter, size=3, children=1, seniors=1)
    assert "3: 1 adult, 1 child, 1 senior" in _open(client, world, page, household)


def test_a_household_of_one_is_one_person_on_its_planned_items(client, world):
    household = make_household(world.chapter, size=1)
    assert "1 person." in _open(client, world, "planned items", household)


def test_adding_one_stop_says_one_stop(client, world):
    route = make_route(world.chapter, world.hub)
    household = make_household(world.chapter)
    client.force_login(world.coordinator.user)
    response = client.post(
        reverse("deliveries:route_add_stops", args=[route.pk]),
        {"household": household.pk, "version": route.version},
        follow=True,
    )
    assert "1 stop added." in response.text


def test_one_walk_in_is_one_walk_in(client, world):
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    response = client.post(
        reverse("hubdesk:desk", args=[world.hub.pk]),
        {"date": world.chapter.today().isoformat(), "people": "1", f"category_{produce.pk}": "5"},
        follow=True,
    )
    assert "Handout recorded: 1 walk-in." in response.text
    assert "walk-in(s)" not in response.text


def test_countable_goods_read_as_one_item_and_many_items(client, world):
    household = make_household(world.chapter)
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user, households=[household])
    stop = route.stops.get()
    stop.planned_items.create(category=Category.objects.get(code="diapers"), quantity=25)
    stop.planned_items.create(category=Category.objects.get(code="books"), quantity=1)
    client.force_login(world.coordinator.user)
    text = without_bdi(client.get(reverse("deliveries:route_print", args=[route.pk])).text)
    assert "Diapers: 25 items" in text
    assert "Books: 1 item<" in text


def test_a_date_on_the_schedules_skip_list_says_why_once(client, world):
    supplier = make_supplier(world.chapter)
    today = world.chapter.today()
    skipped = today + datetime.timedelta(days=1)
    client.force_login(world.coordinator.user)
    data = {
        "hub": world.hub.pk,
        "pattern": "weekly",
        "interval": 1,
        "weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
        "starts_on": today.isoformat(),
        "window_start": "09:00",
        "window_end": "11:00",
        "skip_dates_text": skipped.isoformat(),
        "active": "on",
        "version": 1,
        "preview": "1",
    }
    response = client.post(reverse("pickups:schedule_create", args=[supplier.pk]), data)
    assert_clean_page(response)
    assert "skipped: skipped" not in response.text
    assert "skipped: listed under “Dates to skip”" in response.text


def test_a_conflict_shows_both_versions_choices_by_their_labels(client, world):
    supplier = make_supplier(world.chapter, kind="grocery")
    client.force_login(world.coordinator.user)
    url = reverse("pickups:supplier_edit", args=[supplier.pk])
    data = {"name": supplier.name, "address": supplier.address, "active": "on", "version": supplier.version}
    assert client.post(url, {**data, "kind": "farm"}).status_code == 302
    conflict = client.post(url, {**data, "kind": "restaurant"})
    assert "Someone else saved this while you were editing" in conflict.text
    assert "<td>Farm</td><td>Restaurant</td>" in conflict.text
