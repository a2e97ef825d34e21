"""A household's standing delivery, built by the same recurrence form and preview as pickup schedules, and the
standing routes households are placed on, each change planned at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries import planner
from deliveries.models import DeliveryArrangement, PlanNote, Route, StandingRoute, StandingStop
from mimac.models import Category
from tests.factories import make_arrangement, make_household, make_member, make_standing_route, next_weekday
from tests.pages import assert_clean_page, without_bdi


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


def _arrangement_data(world, **changes):
    data = {
        "hub": world.hub.pk,
        "pattern": "weekly",
        "interval": 1,
        "weekdays": ["TU"],
        "starts_on": world.chapter.today().isoformat(),
        "ends_on": "",
        "window": "morning",
        "version": 1,
    }
    return {**data, **changes}


def test_the_form_starts_from_what_size_and_needs_suggest(coordinator, world):
    household = make_household(world.chapter, size=4, non_food_needs=["diapers"], delivery_window="evening")
    page = coordinator.get(reverse("deliveries:arrangement", args=[household.pk]))
    assert_clean_page(page)
    produce, diapers = (Category.objects.get(code=code) for code in ("produce", "diapers"))
    form = page.context["form"]
    assert form[f"category_{produce.pk}"].initial == Decimal(12)
    assert form[f"category_{diapers.pk}"].initial == Decimal(25)
    assert form["window"].initial == "evening"


def test_the_preview_lists_the_next_tuesdays_with_a_closure_and_the_route(coordinator, world):
    household = make_household(world.chapter)
    make_standing_route(world.chapter, world.hub, households=[household])
    holiday = next_weekday(world.chapter, 1, weeks=1)
    world.chapter.closure_days.create(date=holiday, reason="Community day")
    produce = Category.objects.get(code="produce")
    data = _arrangement_data(world, preview="1", **{f"category_{produce.pk}": "6"})
    page = coordinator.post(reverse("deliveries:arrangement", args=[household.pk]), data)
    assert_clean_page(page)
    assert f"{holiday:%a %Y-%m-%d}</s> — skipped: chapter closed: Community day" in without_bdi(page.text)
    assert f"{next_weekday(world.chapter, 1):%a %Y-%m-%d}, on Tuesday east" in without_bdi(page.text)
    assert not DeliveryArrangement.objects.exists()


def test_saving_the_arrangement_plans_the_household_at_once(coordinator, world):
    household = make_household(world.chapter)
    produce = Category.objects.get(code="produce")
    page = coordinator.post(
        reverse("deliveries:arrangement", args=[household.pk]),
        _arrangement_data(world, **{f"category_{produce.pk}": "6"}),
    )
    assert page.status_code == 302
    arrangement = DeliveryArrangement.objects.get()
    assert (arrangement.rrule, arrangement.window) == ("FREQ=WEEKLY;BYDAY=TU", "morning")
    assert [(item.category, item.quantity) for item in arrangement.usual_items.all()] == [(produce, Decimal(6))]
    note = PlanNote.objects.get()
    assert (note.household, note.kind, note.date) == (household, "unplaced", next_weekday(world.chapter, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weekdays": []}, "Choose at least one weekday."),
        ({"ends_on": "2020-01-01"}, "The last day cannot be before the first day."),
        ({"interval": 0}, "Use 1 or more"),
        ({"items": False}, "Enter at least one usual item"),
    ],
)
def test_bad_arrangements_are_refused_with_a_message(coordinator, world, changes, message):
    household = make_household(world.chapter)
    produce = Category.objects.get(code="produce")
    data = _arrangement_data(world, **{f"category_{produce.pk}": "6"})
    if changes.pop("items", True) is False:
        data = {key: value for key, value in data.items() if not key.startswith("category_")}
    page = coordinator.post(reverse("deliveries:arrangement", args=[household.pk]), {**data, **changes})
    assert page.status_code == 200
    assert message in page.text
    assert not DeliveryArrangement.objects.exists()


def test_an_arrangement_changed_meanwhile_shows_both_versions(coordinator, world):
    household = make_household(world.chapter)
    arrangement = make_arrangement(household, world.hub, items={"produce": 3})
    DeliveryArrangement.objects.filter(pk=arrangement.pk).update(version=2, rrule="FREQ=WEEKLY;BYDAY=TH")
    produce = Category.objects.get(code="produce")
    page = coordinator.post(
        reverse("deliveries:arrangement", args=[household.pk]),
        _arrangement_data(world, weekdays=["FR"], **{f"category_{produce.pk}": "6"}),
    )
    assert "Someone else saved this while you were editing" in page.text
    assert "Every week on Thursday" in page.text
    assert "Every week on Friday" in page.text
    arrangement.refresh_from_db()
    assert arrangement.rrule == "FREQ=WEEKLY;BYDAY=TH"


def test_ending_the_arrangement_takes_them_off_standing_routes_and_drafts(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    make_standing_route(world.chapter, world.hub, households=[household])
    planner.plan(chapter=world.chapter)
    assert Route.objects.exists()
    coordinator.post(reverse("deliveries:arrangement_end", args=[household.pk]))
    assert not DeliveryArrangement.objects.exists()
    assert not StandingStop.objects.exists()
    assert not Route.objects.exists()


def test_a_coordinator_builds_a_standing_route_and_its_draft_follows(coordinator, world):
    households = [make_household(world.chapter, name) for name in ("Amina", "Bilal")]
    for household in households:
        make_arrangement(household, world.hub)
    driver = make_member(world.chapter, "dana").user
    data = {"name": "Tuesday east", "weekday": 1, "hub": world.hub.pk, "driver": driver.pk, "active": "on",
            "version": 1}  # fmt: skip
    page = coordinator.post(reverse("deliveries:standing_create", args=[world.chapter.code]), data)
    standing = StandingRoute.objects.get()
    assert page.url == reverse("deliveries:standing_detail", args=[standing.pk])
    detail = coordinator.get(page.url)
    assert_clean_page(detail)
    assert all(household.code in detail.text for household in households)
    coordinator.post(
        reverse("deliveries:standing_add", args=[standing.pk]),
        {"household": [households[1].pk, households[0].pk], "version": standing.version},
    )
    [draft] = Route.objects.all()
    assert (draft.driver, draft.standing_route) == (driver, standing)
    assert [stop.household for stop in draft.stops.order_by("sequence")] == [households[1], households[0]]
    first = standing.places.get(household=households[0])
    coordinator.post(reverse("deliveries:place_move", args=[first.pk]), {"direction": "up", "version": 2})
    assert [stop.household for stop in draft.stops.order_by("sequence")] == households


def test_a_household_moves_to_another_standing_route(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub, rrule="FREQ=WEEKLY;BYDAY=TU,TH")
    east = make_standing_route(world.chapter, world.hub, households=[household])
    thursday = make_standing_route(world.chapter, world.hub, weekday=3, name="Thursday")
    place = east.places.get()
    coordinator.post(reverse("deliveries:place_transfer", args=[place.pk]), {"to": thursday.pk, "version": 1})
    place.refresh_from_db()
    assert (place.standing_route, place.weekday) == (thursday, 3)
    assert [route.name for route in Route.objects.all()] == ["Thursday"]
    assert PlanNote.objects.get().date == next_weekday(world.chapter, 1)  # due on Tuesday, on no route then


def test_a_household_cannot_be_on_two_standing_routes_on_one_weekday(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    make_standing_route(world.chapter, world.hub, households=[household])
    west = make_standing_route(world.chapter, world.hub, name="Tuesday west")
    page = coordinator.post(
        reverse("deliveries:standing_add", args=[west.pk]), {"household": [household.pk], "version": 1}, follow=True
    )
    assert "Choose at least one household to add." in page.text  # it is not a candidate there
    assert west.places.count() == 0


def test_a_stale_standing_route_change_is_refused(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    east = make_standing_route(world.chapter, world.hub, households=[household])
    page = coordinator.post(
        reverse("deliveries:place_remove", args=[east.places.get().pk]), {"version": 99}, follow=True
    )
    assert "Someone else changed this standing route" in page.text
    assert east.places.exists()


def test_a_weekday_change_that_would_put_a_household_twice_on_a_day_is_refused(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub, rrule="FREQ=WEEKLY;BYDAY=TU,TH")
    east = make_standing_route(world.chapter, world.hub, households=[household])
    make_standing_route(world.chapter, world.hub, weekday=3, name="Thursday", households=[household])
    data = {"name": "Tuesday east", "weekday": 3, "hub": world.hub.pk, "active": "on", "version": 1}
    page = coordinator.post(reverse("deliveries:standing_edit", args=[east.pk]), data)
    assert f"{household.code} is on Thursday that weekday: move it first." in page.text


def test_the_planning_setting_drafts_further_ahead(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    make_standing_route(world.chapter, world.hub, households=[household])
    page = coordinator.get(reverse("deliveries:standing_list", args=[world.chapter.code]))
    assert_clean_page(page)
    coordinator.post(
        reverse("deliveries:standing_list", args=[world.chapter.code]),
        {"planning-days_ahead": 14, "planning-version": 1},
    )
    assert Route.objects.count() == 2


def test_the_closure_day_pages_plan_the_routes_of_that_day(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    make_standing_route(world.chapter, world.hub, households=[household])
    tuesday = next_weekday(world.chapter, 1)
    coordinator.post(reverse("pickups:chapter_closures", args=[world.chapter.code]), {"date": tuesday.isoformat()})
    assert not Route.objects.exists()
    closure = world.chapter.closure_days.get()
    coordinator.post(reverse("pickups:chapter_closure_delete", args=[closure.pk]))
    assert Route.objects.get().date == tuesday


def test_a_household_set_to_ended_leaves_its_drafts(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    make_standing_route(world.chapter, world.hub, households=[household])
    planner.plan(chapter=world.chapter)
    coordinator.post(reverse("recipients:household_status", args=[household.pk]), {"status": "ended"})
    assert not Route.objects.exists()


def test_a_walk_in_household_gets_no_standing_delivery(coordinator, world):
    household = make_household(world.chapter, mode="walk_in", hub=world.hub, address="")
    produce = Category.objects.get(code="produce")
    page = coordinator.post(
        reverse("deliveries:arrangement", args=[household.pk]),
        _arrangement_data(world, **{f"category_{produce.pk}": "6"}),
    )
    assert "change how they receive to delivery first" in page.text
    assert not DeliveryArrangement.objects.exists()


def test_a_drafted_route_keeps_its_day_and_hub_and_a_persons_edit_of_its_people_stays(coordinator, world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    standing = make_standing_route(world.chapter, world.hub, households=[household], driver=world.volunteer.user)
    planner.plan(chapter=world.chapter)
    draft = Route.objects.get()
    other = make_member(world.chapter, "otto").user
    later = (draft.date + timedelta(days=1)).isoformat()
    data = {"name": "Tuesday east", "date": later, "hub": world.hub.pk, "driver": other.pk, "version": draft.version}
    coordinator.post(reverse("deliveries:route_edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert (draft.date, draft.driver, draft.edited_by) == (
        next_weekday(world.chapter, 1),
        other,
        world.coordinator.user,
    )
    standing.driver = make_member(world.chapter, "pat").user
    standing.save()
    planner.plan_standing_route(standing_route=standing)
    draft.refresh_from_db()
    assert draft.driver == other
