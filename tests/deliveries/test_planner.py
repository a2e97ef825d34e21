"""The planner drafts each delivery day's routes from the standing routes: idempotent, around closures and pauses,
with the usual people, and never over what a person did."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from deliveries import planner, services
from deliveries.models import Pause, PlanningSettings, PlanNote, Route, Stop
from tests.factories import (
    make_arrangement,
    make_household,
    make_member,
    make_standing_route,
    next_weekday,
)

TUESDAY = 1


@pytest.fixture
def tuesday(world):
    """Two households due every Tuesday on the standing route Tuesday east, with its usual driver and helper."""
    first = make_household(world.chapter, "Amina", size=2)
    second = make_household(world.chapter, "Bilal", size=4, non_food_needs=["diapers"])
    make_arrangement(first, world.hub, items={"produce": 5, "bakery": 2})
    make_arrangement(second, world.hub)
    helper = make_member(world.chapter, "helen").user
    standing = make_standing_route(
        world.chapter, world.hub, households=[second, first], driver=world.volunteer.user, helpers=[helper]
    )
    return standing, first, second, helper


def _drafts(chapter):
    return list(Route.objects.filter(chapter=chapter).order_by("date"))


def _codes(route):
    return [stop.household.code for stop in route.stops.select_related("household__chapter").order_by("sequence")]


def _snapshot(chapter):
    """Everything the planner writes, to compare two runs."""
    routes = Route.objects.filter(chapter=chapter).order_by("pk")
    return [
        (route.pk, route.date, route.name, route.driver_id, route.version, sorted(h.pk for h in route.helpers.all()),
         [(s.pk, s.household_id, s.sequence, sorted((i.category_id, i.quantity) for i in s.planned_items.all()))
          for s in route.stops.all()])
        for route in routes
    ] + sorted(PlanNote.objects.values_list("household", "date", "kind", "why", "how"))  # fmt: skip


def test_each_tuesday_ahead_gets_a_draft_in_the_standing_order_with_the_usual_people(world, tuesday):
    standing, first, second, helper = tuesday
    result = planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    assert (result.routes_created, result.stops_added) == (1, 2)
    assert route.date == next_weekday(world.chapter, TUESDAY)
    assert (route.name, route.hub, route.status, route.standing_route) == ("Tuesday east", world.hub, "draft", standing)
    assert route.driver == world.volunteer.user
    assert list(route.helpers.all()) == [helper]
    assert _codes(route) == [second.code, first.code]
    assert all(stop.placed_by_planner and stop.added_by is None for stop in route.stops.all())


def test_planned_items_are_the_usual_items_or_else_what_size_and_needs_suggest(world, tuesday):
    _standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    items = {
        (stop.household_id, item.category.code): item.quantity
        for stop in Stop.objects.all()
        for item in stop.planned_items.select_related("category")
    }
    assert {code: q for (h, code), q in items.items() if h == first.pk} == {"produce": 5, "bakery": 2}
    assert items[second.pk, "produce"] == Decimal(12)
    assert items[second.pk, "diapers"] == Decimal(25)


def test_planning_again_changes_nothing(world, tuesday):
    planner.plan(chapter=world.chapter)
    before = _snapshot(world.chapter)
    again = planner.plan(chapter=world.chapter)
    call_command("plan_deliveries", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (again.routes_created, again.routes_removed, again.stops_added, again.stops_removed) == (0, 0, 0, 0)
    assert _snapshot(world.chapter) == before


def test_only_the_days_ahead_are_drafted_and_the_chapter_chooses_how_many(world, tuesday):
    planner.plan(chapter=world.chapter)
    assert len(_drafts(world.chapter)) == 1
    PlanningSettings.objects.create(chapter=world.chapter, days_ahead=21)
    planner.plan(chapter=world.chapter)
    dates = [route.date for route in _drafts(world.chapter)]
    assert dates == [next_weekday(world.chapter, TUESDAY, weeks) for weeks in range(3)]


def test_a_closure_day_gets_no_route_and_gets_it_back_when_the_closure_goes(world, tuesday):
    tuesday_date = next_weekday(world.chapter, TUESDAY)
    closure = world.chapter.closure_days.create(date=tuesday_date, reason="Community day")
    planner.plan_days(chapter=world.chapter, days=[tuesday_date])
    assert _drafts(world.chapter) == []
    assert not PlanNote.objects.exists()
    closure.delete()
    planner.plan_days(chapter=world.chapter, days=[tuesday_date])
    assert [route.date for route in _drafts(world.chapter)] == [tuesday_date]


def test_a_closure_after_the_draft_takes_the_untouched_draft_away(world, tuesday):
    planner.plan(chapter=world.chapter)
    world.chapter.closure_days.create(date=next_weekday(world.chapter, TUESDAY))
    result = planner.plan(chapter=world.chapter)
    assert result.routes_removed == 1
    assert _drafts(world.chapter) == []


def test_a_paused_household_drops_out_and_comes_back_when_the_pause_ends(world, tuesday):
    _standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    tuesday_date = next_weekday(world.chapter, TUESDAY)
    pause = Pause.objects.create(household=first, starts_on=tuesday_date, ends_on=tuesday_date + datetime.timedelta(
        days=13), reason="hospital", recorded_by=world.coordinator.user)  # fmt: skip
    planner.plan_household(household=first)
    [route] = _drafts(world.chapter)
    assert _codes(route) == [second.code]
    first.refresh_from_db()
    assert first.status == "active"  # a pause is not a status: the retention purge counts from the status
    pause.delete()
    planner.plan_household(household=first)
    assert _codes(route) == [second.code, first.code]


def test_a_draft_goes_when_nobody_on_it_is_due(world, tuesday):
    _standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    for household in (first, second):
        household.status = "ended"
        household.save()
    planner.plan(chapter=world.chapter)
    assert _drafts(world.chapter) == []


def test_a_published_route_is_never_touched(world, tuesday):
    _standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    services.publish(route=route, by=world.coordinator.user, version=route.version)
    route.refresh_from_db()
    services.back_to_draft(route=route, version=route.version)  # published once: a person's route from then on
    first.status = "ended"
    first.save()
    planner.plan(chapter=world.chapter)
    route.refresh_from_db()
    assert _codes(route) == [second.code, first.code]


def test_a_stop_a_person_added_stays_and_is_noted_when_not_due(world, tuesday):
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    extra = make_household(world.chapter, "Chen")
    make_arrangement(extra, world.hub)
    Pause.objects.create(household=extra, starts_on=route.date, ends_on=route.date, reason="travel",
                         recorded_by=world.coordinator.user)  # fmt: skip
    services.add_stops(route=route, households=[extra], version=route.version, by=world.coordinator.user)
    result = planner.plan(chapter=world.chapter)
    assert extra.code in _codes(route)
    assert [(note.household, note.kind, note.why, note.how) for note in PlanNote.objects.all()] == [
        (extra, "left_alone", "paused", "added")
    ]
    assert result.left_alone == [(extra.pk, "Tuesday east", route.date, "paused", "added")]


def test_items_a_person_changed_keep_the_stop_on_the_route(world, tuesday):
    _standing, first, _second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    stop = route.stops.get(household=first)
    produce = stop.planned_items.get(category__code="produce").category
    services.set_items(stop=stop, items={produce: Decimal(9)}, version=route.version, by=world.coordinator.user)
    first.status = "paused"
    first.save()
    planner.plan_household(household=first)
    assert route.stops.filter(household=first).exists()
    note = PlanNote.objects.get()
    assert (note.why, note.how, note.route) == ("not_active", "changed", route)


def test_a_household_a_person_took_off_is_not_put_back(world, tuesday):
    _standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    services.remove_stop(stop=route.stops.get(household=first), version=route.version, by=world.coordinator.user)
    planner.plan(chapter=world.chapter)
    assert _codes(route) == [second.code]
    route.refresh_from_db()
    services.add_stops(route=route, households=[first], version=route.version, by=world.coordinator.user)
    assert _codes(route) == [second.code, first.code]  # and a person may put it back


def test_a_route_a_person_reordered_keeps_its_order_and_new_stops_go_last(world, tuesday):
    standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    services.move(stop=route.stops.get(household=first), places=-1, version=route.version, by=world.coordinator.user)
    third = make_household(world.chapter, "Dolores")
    make_arrangement(third, world.hub)
    standing.places.create(household=third, weekday=TUESDAY, sequence=0)  # first on the standing route
    planner.plan_standing_route(standing_route=standing)
    assert _codes(route) == [first.code, second.code, third.code]


def test_an_untouched_draft_follows_the_standing_order(world, tuesday):
    standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    standing.places.filter(household=first).update(sequence=0)
    planner.plan_standing_route(standing_route=standing)
    assert _codes(route) == [first.code, second.code]


def test_the_usual_people_follow_the_standing_route_unless_a_person_set_the_draft(world, tuesday):
    standing, _first, _second, helper = tuesday
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    other = make_member(world.chapter, "otto").user
    standing.driver = other
    standing.save()
    planner.plan_standing_route(standing_route=standing)
    route.refresh_from_db()
    assert route.driver == other
    Route.objects.filter(pk=route.pk).update(driver=helper, edited_by=world.coordinator.user)
    standing.driver = world.volunteer.user
    standing.save()
    planner.plan_standing_route(standing_route=standing)
    route.refresh_from_db()
    assert route.driver == helper


def test_a_due_household_on_no_standing_route_is_unplaced(world, tuesday):
    loose = make_household(world.chapter, "Emeka")
    make_arrangement(loose, world.hub, rrule="FREQ=WEEKLY;BYDAY=TU,TH")
    planner.plan(chapter=world.chapter)
    notes = PlanNote.objects.filter(kind="unplaced")
    expected = sorted(next_weekday(world.chapter, day) for day in (TUESDAY, 3))
    assert sorted(note.date for note in notes if note.household == loose) == expected


def test_a_household_moved_between_standing_routes_moves_in_one_run(world, tuesday):
    standing, first, second, _helper = tuesday
    planner.plan(chapter=world.chapter)
    west = make_standing_route(world.chapter, world.hub, name="Tuesday west", driver=world.coordinator.user)
    standing.places.filter(household=first).update(standing_route=west)
    planner.plan(chapter=world.chapter, households={first.pk})
    routes = {route.name: _codes(route) for route in _drafts(world.chapter)}
    assert routes == {"Tuesday east": [second.code], "Tuesday west": [first.code]}
    assert _snapshot(world.chapter) == (planner.plan(chapter=world.chapter) and _snapshot(world.chapter))


def test_walk_in_ended_and_other_chapters_households_are_never_drafted(world, tuesday):
    walk_in = make_household(world.chapter, "Fatima", mode="walk_in", hub=world.hub)
    make_arrangement(walk_in, world.hub)
    theirs = make_household(world.other_chapter, "Gustavo")
    make_arrangement(theirs, world.other_hub)
    make_standing_route(world.other_chapter, world.other_hub, households=[theirs])
    planner.plan(chapter=world.chapter)
    assert Route.objects.filter(chapter=world.other_chapter).count() == 0
    assert walk_in.pk not in set(Stop.objects.values_list("household", flat=True))


def test_the_database_refuses_two_drafts_of_one_standing_route_on_one_day(world, tuesday):
    planner.plan(chapter=world.chapter)
    [route] = _drafts(world.chapter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Route.objects.create(chapter=world.chapter, hub=world.hub, date=route.date, name="Again",
                             standing_route=route.standing_route)  # fmt: skip


def test_replanning_one_household_touches_only_its_standing_route(world, tuesday, django_assert_max_num_queries):
    _standing, first, _second, _helper = tuesday
    other = make_household(world.chapter, "Hana")
    make_arrangement(other, world.hub, rrule="FREQ=WEEKLY;BYDAY=TH")
    make_standing_route(world.chapter, world.hub, weekday=3, name="Thursday", households=[other])
    planner.plan(chapter=world.chapter)
    thursday = Route.objects.get(name="Thursday")
    first.status = "ended"
    first.save()
    with django_assert_max_num_queries(27):  # who is away; stops moved between routes forget a deleted stop
        planner.plan_household(household=first)
    assert Route.objects.get(pk=thursday.pk).version == thursday.version
    assert not Stop.objects.filter(household=first).exists()
