import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliveries import services
from deliveries.models import PlannedItem, Route
from deliveries.services import RouteRefused, publish_problems
from mimac.models import Category, Hub, StaleEdit
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page, texts_of, without_bdi


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


def test_adding_households_plans_items_from_size_and_needs(world):
    route = make_route(world.chapter, world.hub)
    household = make_household(world.chapter, size=4, non_food_needs=["diapers"], dietary_needs=["halal"])
    services.add_stops(route=route, households=[household], version=route.version)
    items = {item.category.code: item.quantity for item in PlannedItem.objects.filter(stop__route=route)}
    assert items["produce"] == Decimal(12)
    assert items["dry-goods"] == Decimal(8)
    assert items["diapers"] == Decimal(25)


def test_a_household_already_on_a_route_that_day_cannot_be_added_again(world):
    household = make_household(world.chapter)
    make_route(world.chapter, world.hub, households=[household], name="First")
    second = make_route(world.chapter, world.hub, name="Second")
    with pytest.raises(RouteRefused, match="already on the route First that day"):
        services.add_stops(route=second, households=[household], version=second.version)


def test_a_halal_household_with_meat_planned_gets_a_warning(coordinator, world):
    household = make_household(world.chapter, dietary_needs=["halal"], allergies="peanuts")
    route = make_route(world.chapter, world.hub, households=[household])
    stop = route.stops.get()
    stop.planned_items.create(category=Category.objects.get(code="meat-and-fish"), quantity=4)
    stop.planned_items.create(category=Category.objects.get(code="bakery"), quantity=2)
    page = coordinator.get(reverse("deliveries:route_detail", args=[route.pk]))
    assert_clean_page(page)
    assert "Meat and fish planned for a halal household." in page.text
    assert "Bakery may contain nut; allergies: peanuts." in page.text


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("no_driver", "The route has no driver."),
        ("no_items", "has nothing planned."),
        ("no_stops", "The route has no stops."),
        ("newcomer_alone", "A new member on this route needs a trusted member with them."),
    ],
)
def test_publishing_is_refused_with_the_reason(world, setup, reason):
    household = make_household(world.chapter)
    driver = world.observing.user if setup == "newcomer_alone" else world.volunteer.user
    route = make_route(
        world.chapter, world.hub, driver=None if setup == "no_driver" else driver,
        households=[] if setup == "no_stops" else [household],
    )  # fmt: skip
    if setup == "no_items":
        PlannedItem.objects.filter(stop__route=route).delete()
    with pytest.raises(RouteRefused, match=reason):
        services.publish(route=route, by=world.coordinator.user, version=route.version)
    route.refresh_from_db()
    assert route.status == Route.Status.DRAFT


def test_a_newcomer_with_a_trusted_member_may_go_and_the_route_publishes(coordinator, world):
    route = make_route(
        world.chapter, world.hub, driver=world.volunteer.user, households=[make_household(world.chapter)]
    )
    route.helpers.add(world.observing.user)
    assert publish_problems(route) == []
    coordinator.post(reverse("deliveries:route_publish", args=[route.pk]), {"version": route.version})
    route.refresh_from_db()
    assert (route.status, route.published_by) == (Route.Status.PUBLISHED, world.coordinator.user)


def test_a_refused_publish_says_why_on_the_page(coordinator, world):
    route = make_route(world.chapter, world.hub, households=[make_household(world.chapter)])
    response = coordinator.post(
        reverse("deliveries:route_publish", args=[route.pk]), {"version": route.version}, follow=True
    )
    assert "The route has no driver." in response.text


def test_stops_move_up_and_down_without_javascript(coordinator, world):
    first, second, third = (make_household(world.chapter, name=name) for name in ("A", "B", "C"))
    route = make_route(world.chapter, world.hub, households=[first, second, third])
    stop_c = route.stops.get(household=third)
    coordinator.post(reverse("deliveries:stop_move", args=[stop_c.pk]), {"direction": "up", "version": route.version})
    assert list(route.stops.values_list("household__name", flat=True)) == ["A", "C", "B"]


def test_a_dragged_order_is_saved(coordinator, world):
    households = [make_household(world.chapter, name=name) for name in ("A", "B", "C")]
    route = make_route(world.chapter, world.hub, households=households)
    ids = list(route.stops.values_list("pk", flat=True))
    order = ",".join(str(pk) for pk in [ids[2], ids[0], ids[1]])
    coordinator.post(reverse("deliveries:route_reorder", args=[route.pk]), {"order": order, "version": route.version})
    assert list(route.stops.values_list("household__name", flat=True)) == ["C", "A", "B"]


def test_a_change_based_on_an_old_version_is_refused_and_nothing_is_saved(coordinator, world):
    households = [make_household(world.chapter, name=name) for name in ("A", "B")]
    route = make_route(world.chapter, world.hub, households=households)
    old_version = route.version
    stop_b = route.stops.get(household__name="B")
    coordinator.post(reverse("deliveries:stop_move", args=[stop_b.pk]), {"direction": "up", "version": old_version})
    stale = coordinator.post(reverse("deliveries:stop_remove", args=[stop_b.pk]), {"version": old_version}, follow=True)
    assert "Someone else changed this route while you were looking at it" in stale.text
    assert route.stops.count() == 2
    with pytest.raises(StaleEdit):
        services.reorder(route=route, stop_ids=list(route.stops.values_list("pk", flat=True)), version=old_version)


def test_a_stale_edit_of_the_route_shows_both_versions(coordinator, world):
    route = make_route(world.chapter, world.hub)
    url = reverse("deliveries:route_edit", args=[route.pk])
    data = {"name": route.name, "date": route.date.isoformat(), "hub": world.hub.pk, "version": route.version}
    coordinator.post(url, {**data, "name": "Eastside early"})
    response = coordinator.post(url, {**data, "name": "Eastside late"})
    assert "Someone else saved this while you were editing" in response.text
    assert "Eastside early" in response.text
    assert 'value="Eastside late"' in response.text
    route.refresh_from_db()
    assert route.name == "Eastside early"


def test_a_published_route_cannot_be_changed_until_back_to_draft(world):
    route = make_route(world.chapter, world.hub, households=[make_household(world.chapter)], status="published")
    with pytest.raises(RouteRefused, match="Only a draft route can be changed"):
        services.remove_stop(stop=route.stops.get(), version=route.version)
    services.back_to_draft(route=route, version=route.version)
    route.refresh_from_db()
    services.remove_stop(stop=route.stops.get(), version=route.version)


def test_last_weeks_route_is_copied_as_a_draft(coordinator, world):
    households = [make_household(world.chapter, name=name) for name in ("A", "B")]
    households[1].status = "ended"
    households[1].save()
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households, status="done")
    coordinator.post(reverse("deliveries:route_copy", args=[route.pk]))
    copy = Route.objects.exclude(pk=route.pk).get()
    assert copy.date == route.date + datetime.timedelta(weeks=1)
    assert (copy.status, copy.driver) == (Route.Status.DRAFT, world.volunteer.user)
    assert list(copy.stops.values_list("household__name", flat=True)) == ["A"], "ended households stay off"
    assert copy.stops.get().planned_items.count() == 1


def test_the_sheet_holds_every_stop_in_order_and_nothing_else_personal(coordinator, world):
    households = [
        make_household(world.chapter, name="Amina", phone="313-555-0101", contact="phone", delivery_reason="disability",
                       access_notes="Buzzer 12", allergies="peanuts", dietary_needs=["halal"]),
        make_household(world.chapter, name="Bilal", delivery_reason="mobility"),
        make_household(world.chapter, name="Chen", delivery_reason="no_transport"),
    ]  # fmt: skip
    world.chapter.contact_phone = "(313) 555-0199"
    world.chapter.save()
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households)
    response = coordinator.get(reverse("deliveries:route_print", args=[route.pk]))
    assert_clean_page(response)
    html = without_bdi(response.text)
    positions = [html.index(f"{household.code} · {household.name}") for household in households]
    assert positions == sorted(positions)
    for text in ("Stop 1 of 3", "Stop 3 of 3", "Buzzer 12", "peanuts", "Halal", "(313) 555-0199", "Sheet returned on"):
        assert text in html
    for private in ("313-555-0101", "Disability", "Mobility", "No transport", "disability", "mobility"):
        assert private not in html
    assert "no-store" in response["Cache-Control"]


def test_the_sheet_prints_each_diet_or_allergy_clash_beside_the_item_it_concerns(coordinator, clashing_route):
    response = coordinator.get(reverse("deliveries:route_print", args=[clashing_route.pk]))
    assert_clean_page(response)
    assert "Meat and fish planned for a halal household." in response.text
    assert texts_of(response.text, "planned-item") == [
        "Bakery: 2 lb ⚠ Bakery may contain nut; allergies: peanuts.",
        "Meat and fish: 4 lb ⚠ Meat and fish planned for a halal household.",
        "Produce: 9 lb",
    ]


def test_a_volunteer_sees_the_sheet_of_a_published_route_they_are_on_only(client, world):
    route = make_route(
        world.chapter, world.hub, driver=world.volunteer.user, households=[make_household(world.chapter)]
    )
    client.force_login(world.volunteer.user)
    assert client.get(reverse("deliveries:route_print", args=[route.pk])).status_code == 403
    Route.objects.filter(pk=route.pk).update(status="published")
    assert client.get(reverse("deliveries:route_print", args=[route.pk])).status_code == 200
    client.force_login(world.auditor.user)
    assert client.get(reverse("deliveries:route_print", args=[route.pk])).status_code == 403


def test_planned_items_are_edited_with_clear_limits(coordinator, world):
    route = make_route(world.chapter, world.hub, households=[make_household(world.chapter, size=2)])
    stop = route.stops.get()
    produce = Category.objects.get(code="produce")
    url = reverse("deliveries:stop_items", args=[stop.pk])
    assert_clean_page(coordinator.get(url))
    too_much = coordinator.post(url, {f"category_{produce.pk}": "50000", "version": route.version})
    assert "less than or equal to 5000" in too_much.text
    coordinator.post(url, {f"category_{produce.pk}": "7.5", "version": route.version})
    assert [(item.category, item.quantity) for item in stop.planned_items.all()] == [(produce, Decimal("7.5"))]


def _stops(world, route, count):
    households = [make_household(world.chapter, name=f"H{number}", dietary_needs=["halal"]) for number in range(count)]
    services.add_stops(route=route, households=households, version=Route.objects.get(pk=route.pk).version)


def test_the_builder_and_sheet_run_the_same_queries_for_1_and_25_stops(coordinator, world, django_assert_num_queries):
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user)
    route.helpers.add(world.coordinator.user)
    _stops(world, route, 1)
    builder = reverse("deliveries:route_detail", args=[route.pk])
    sheet = reverse("deliveries:route_print", args=[route.pk])
    with django_assert_num_queries(14) as builder_one:  # 2 the library's block; no stops moved: moves not read
        coordinator.get(builder)
    with django_assert_num_queries(12) as sheet_one:  # 2 of them the library's block (hubdesk)
        coordinator.get(sheet)
    _stops(world, route, 24)
    with django_assert_num_queries(len(builder_one.captured_queries)):
        assert len(coordinator.get(builder).context["stops"]) == 25
    with django_assert_num_queries(len(sheet_one.captured_queries)):
        assert coordinator.get(sheet).context["count"] == 25


def test_the_route_list_shows_two_weeks_back_and_older_routes_on_asking(client, world):
    today = world.chapter.today()
    old = make_route(world.chapter, world.hub, date=today - datetime.timedelta(days=40), name="Harvest week")
    make_route(world.chapter, world.hub, name="This morning")
    client.force_login(world.coordinator.user)
    url = reverse("deliveries:route_list")

    recent = client.get(url).text
    assert "This morning" in recent
    assert "Harvest week" not in recent

    asked = client.get(url, {"starts_on": (old.date - datetime.timedelta(days=1)).isoformat(), "ends_on": ""})
    assert "Harvest week" in asked.text
    assert_clean_page(asked)

    backwards = client.get(url, {"starts_on": today.isoformat(), "ends_on": old.date.isoformat()})
    assert "The last day comes before the first." in backwards.text
    assert "Harvest week" not in backwards.text


def test_the_route_list_runs_the_same_queries_for_1_and_25_routes(client, world, django_assert_num_queries):
    client.force_login(world.coordinator.user)
    make_route(world.chapter, world.hub, households=[make_household(world.chapter)])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("deliveries:route_list"))
    for number in range(24):
        make_route(world.chapter, world.hub, name=f"Route {number}", households=[make_household(world.chapter)])
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("deliveries:route_list"))


def _on_the_road(client, world, *names):
    """A published route of today with the demo volunteer driving; they record its first stop as delivered."""
    households = [make_household(world.chapter, name=name) for name in names]
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households, status="published")
    first = route.stops.get(household=households[0])
    client.force_login(world.volunteer.user)
    produce = Category.objects.get(code="produce")
    recorded = client.post(
        reverse("deliveries:stop_record", args=[first.pk]), {"outcome": "delivered", f"category_{produce.pk}": "6"}
    )
    assert recorded.status_code == 302
    client.force_login(world.coordinator.user)
    return route, first


def test_a_route_with_recorded_stops_cannot_go_back_to_draft(client, world):
    route, _first = _on_the_road(client, world, "A", "B")

    response = client.post(
        reverse("deliveries:route_unpublish", args=[route.pk]), {"version": route.version}, follow=True
    )

    assert "A stop of this route is recorded already, so it stays published for its volunteers." in response.text
    route.refresh_from_db()
    assert route.status == Route.Status.PUBLISHED
    assert "Back to draft" not in response.text, "the button is not offered"


def test_a_stop_with_a_recorded_outcome_cannot_be_taken_off_its_route(client, world):
    route, first = _on_the_road(client, world, "A", "B")
    Route.objects.filter(pk=route.pk).update(status=Route.Status.DRAFT)  # as a route put back before this rule
    route.refresh_from_db()

    response = client.post(reverse("deliveries:stop_remove", args=[first.pk]), {"version": route.version}, follow=True)

    assert response.status_code == 200
    assert f"{first.household.code} was recorded as delivered: it stays on the route." in response.text
    assert route.stops.count() == 2
    assert first.delivered_lines.count() == 1


def test_a_route_with_recorded_stops_keeps_its_day_and_hub(client, world):
    """What was delivered counts on the route's day at its hub: moving the route would move the ledger's figures."""
    route, _first = _on_the_road(client, world, "A")
    url = reverse("deliveries:route_edit", args=[route.pk])
    data = {"name": route.name, "date": str(route.date), "hub": world.hub.pk, "driver": world.volunteer.user.pk}
    data["version"] = route.version
    other_hub = Hub.objects.create(chapter=world.chapter, name="Eastside Center", address="1 Grand Blvd")

    moved = client.post(url, {**data, "date": str(route.date - datetime.timedelta(days=1)), "hub": other_hub.pk})

    assert moved.status_code == 200
    message = "A stop of this route is recorded already: it stays on its day and at its hub."
    assert moved.context["form"].errors == {"date": [message], "hub": [message]}
    assert client.post(url, {**data, "name": "Eastside, renamed"}).status_code == 302
    route.refresh_from_db()
    assert (route.date, route.hub, route.name) == (world.chapter.today(), world.hub, "Eastside, renamed")
