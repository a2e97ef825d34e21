"""Time away: recording it frees exactly the member's pickups and routes of those days, even inside the cut-off,
leaves routes under way alone, and the planners skip the member's usual slots on those days only."""

import datetime

import pytest
from django.urls import reverse

from deliveries import absences, planner
from deliveries.models import PlanningSettings, Release, Route
from deliveries.services import record_stop
from mimac.models import Absence, TrailEvent
from pickups.services import plan_schedule
from tests.factories import (
    make_arrangement,
    make_household,
    make_pickup,
    make_route,
    make_schedule,
    make_standing_route,
    make_supplier,
    next_weekday,
)


def _days(world, first, last):
    today = world.chapter.today()
    return today + datetime.timedelta(days=first), today + datetime.timedelta(days=last)


def _away(world, first, last, membership=None):
    starts_on, ends_on = _days(world, first, last)
    membership = membership or world.volunteer
    return absences.record_absence(membership=membership, starts_on=starts_on, ends_on=ends_on, by=membership.user)


def _on(pickup, world):
    pickup.assignments.create(volunteer=world.volunteer.user, assigned_by=world.coordinator.user)
    return pickup


def test_an_absence_frees_their_pickups_of_those_days_even_inside_the_cutoff(world):
    world.chapter.pickup_cutoff_hours = 48
    world.chapter.save()
    inside = _on(make_pickup(world, days_ahead=1, start=20, end=21), world)  # less than 48 hours ahead
    outside = _on(make_pickup(world, days_ahead=4), world)
    after = _on(make_pickup(world, days_ahead=6), world)
    someone_else = make_pickup(world, days_ahead=2)
    someone_else.assignments.create(volunteer=world.coordinator.user)

    released = _away(world, 1, 5)

    assert {pickup.pk for pickup in released.pickups} == {inside.pk, outside.pk}
    assert not inside.assignments.exists()
    assert not outside.assignments.exists()
    assert after.assignments.get().volunteer == world.volunteer.user
    assert someone_else.assignments.get().volunteer == world.coordinator.user
    rows = {row.pickup_id: row for row in Release.objects.all()}
    assert rows[inside.pk].inside_cutoff
    assert not rows[outside.pk].inside_cutoff
    assert rows[inside.pk].released_by == world.volunteer.user


def test_a_published_route_that_loses_its_driver_goes_back_to_draft_and_a_route_under_way_is_left_alone(world):
    household, other = make_household(world.chapter), make_household(world.chapter, "Bilal")
    driver = world.volunteer.user
    today = world.chapter.today()
    under_way = make_route(world.chapter, world.hub, today, driver=driver, households=[household], status="published")
    record_stop(stop=under_way.stops.get(), by=driver, outcome="not_home", lines=[])
    tomorrow = today + datetime.timedelta(days=1)
    driven = make_route(world.chapter, world.hub, tomorrow, driver=driver, households=[other], status="published")
    helped = make_route(world.chapter, world.hub, tomorrow, driver=world.coordinator.user, status="published",
                        name="Grand Blvd")  # fmt: skip
    helped.helpers.add(driver)
    later = make_route(world.chapter, world.hub, today + datetime.timedelta(days=9), driver=driver, status="published")

    released = _away(world, 0, 3)

    assert [route.pk for route in released.under_way] == [under_way.pk]
    assert {route.pk for route in released.routes} == {driven.pk, helped.pk}
    driven.refresh_from_db(), helped.refresh_from_db(), under_way.refresh_from_db(), later.refresh_from_db()
    assert (driven.driver, driven.status) == (None, Route.Status.DRAFT)
    assert (helped.driver, helped.status, list(helped.helpers.all())) == (world.coordinator.user, "published", [])
    assert (under_way.driver, under_way.status) == (driver, Route.Status.PUBLISHED)
    assert (later.driver, later.status) == (driver, Route.Status.PUBLISHED)
    assert Release.objects.get(route=driven).as_driver


def test_usual_pickups_skip_only_the_days_away_and_start_again_after(world):
    schedule = make_schedule(make_supplier(world.chapter), world.hub, "FREQ=DAILY")
    schedule.default_volunteers.add(world.volunteer.user)
    _away(world, 2, 3)

    plan_schedule(schedule=schedule, horizon_weeks=1)

    on_it = dict(schedule.pickups.values_list("date", "assignments__volunteer"))
    first, last = _days(world, 2, 3)
    assert {day for day, volunteer in on_it.items() if volunteer is None} == {first, last}
    assert on_it[last + datetime.timedelta(days=1)] == world.volunteer.user.pk
    assert on_it[first - datetime.timedelta(days=1)] == world.volunteer.user.pk


def test_standing_route_drafts_leave_a_member_off_only_on_the_days_away(world):
    PlanningSettings.objects.create(chapter=world.chapter, days_ahead=14)
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    standing = make_standing_route(world.chapter, world.hub, households=[household], driver=world.volunteer.user,
                                   helpers=[world.coordinator.user])  # fmt: skip
    tuesdays = [next_weekday(world.chapter, 1, weeks) for weeks in range(2)]
    absences.record_absence(membership=world.volunteer, starts_on=tuesdays[0], ends_on=tuesdays[0],
                            by=world.coordinator.user)  # fmt: skip
    absences.record_absence(membership=world.coordinator, starts_on=tuesdays[1], ends_on=tuesdays[1],
                            by=world.coordinator.user)  # fmt: skip

    planner.plan(chapter=world.chapter)

    drafts = {route.date: route for route in Route.objects.filter(standing_route=standing)}
    assert drafts[tuesdays[0]].driver is None
    assert list(drafts[tuesdays[0]].helpers.all()) == [world.coordinator.user]
    assert drafts[tuesdays[1]].driver == world.volunteer.user
    assert list(drafts[tuesdays[1]].helpers.all()) == []


def test_ending_an_absence_gives_unedited_drafts_their_usual_driver_back(world):
    PlanningSettings.objects.create(chapter=world.chapter, days_ahead=14)
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    standing = make_standing_route(world.chapter, world.hub, households=[household], driver=world.volunteer.user)
    tuesday = next_weekday(world.chapter, 1, 1)
    planner.plan(chapter=world.chapter)
    absences.record_absence(membership=world.volunteer, starts_on=tuesday, ends_on=tuesday, by=world.volunteer.user)
    assert Route.objects.get(standing_route=standing, date=tuesday).driver is None

    absences.end_absence(absence=Absence.objects.get(), by=world.volunteer.user)

    assert not Absence.objects.exists()
    assert Route.objects.get(standing_route=standing, date=tuesday).driver == world.volunteer.user


def test_a_member_records_their_time_away_on_their_page_and_is_told_what_it_freed(client, world):
    pickup = _on(make_pickup(world, days_ahead=2), world)
    first, last = _days(world, 1, 3)
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:member_absences", args=[world.volunteer.pk])

    response = client.post(url, {"starts_on": first, "ends_on": last}, follow=True)

    assert "1 pickup or route of those days is free now" in response.text
    assert not pickup.assignments.exists()
    assert Absence.objects.get().recorded_by == world.volunteer.user
    assert TrailEvent.objects.filter(kind=TrailEvent.Kind.MEMBERSHIP, subject__contains="away").exists()


def test_a_coordinator_records_time_away_for_a_member_and_other_members_may_not(client, world):
    first, last = _days(world, 1, 2)
    url = reverse("deliveries:member_absences", args=[world.volunteer.pk])
    client.force_login(world.auditor.user)
    assert client.post(url, {"starts_on": first, "ends_on": last}).status_code == 403
    client.force_login(world.coordinator.user)
    assert client.post(url, {"starts_on": first, "ends_on": last}).status_code == 302
    assert Absence.objects.get().recorded_by == world.coordinator.user


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (3, 1, "The day back cannot be before the first day away."),
        (-1, 2, "is past: time away starts today"),
        (0, 400, "Time away lasts 366 days at most"),
        (2, 5, "This overlaps the time away from"),
    ],
)
def test_refused_time_away_keeps_what_was_typed_and_frees_nothing(client, world, first, last, message):
    _away(world, 4, 6)
    pickup = _on(make_pickup(world, days_ahead=2), world)
    starts_on, ends_on = _days(world, first, last)
    client.force_login(world.volunteer.user)

    response = client.post(reverse("deliveries:member_absences", args=[world.volunteer.pk]),
                           {"starts_on": starts_on, "ends_on": ends_on})  # fmt: skip

    assert response.status_code == 200
    assert message in response.text
    assert f'value="{starts_on.isoformat()}"' in response.text
    assert f'value="{ends_on.isoformat()}"' in response.text
    assert Absence.objects.count() == 1
    assert pickup.assignments.exists()


@pytest.mark.parametrize("value", ["2026-02-30", "x" * 300, "'; DROP TABLE mimac_absence; --", "", "１２"])
def test_nonsense_dates_are_refused_on_their_field(client, world, value):
    client.force_login(world.volunteer.user)
    response = client.post(reverse("deliveries:member_absences", args=[world.volunteer.pk]),
                           {"starts_on": value, "ends_on": value})  # fmt: skip
    assert response.status_code == 200
    assert not Absence.objects.exists()


def test_time_away_under_way_ends_yesterday_and_one_not_begun_is_cancelled(client, world):
    today = world.chapter.today()
    started = Absence.objects.create(
        membership=world.volunteer, starts_on=today - datetime.timedelta(days=2),
        ends_on=today + datetime.timedelta(days=2), recorded_by=world.volunteer.user,
    )  # fmt: skip
    _away(world, 5, 6)
    client.force_login(world.volunteer.user)
    for absence in Absence.objects.order_by("starts_on"):
        client.post(reverse("deliveries:absence_end", args=[absence.pk]))
    started.refresh_from_db()
    assert started.ends_on == today - datetime.timedelta(days=1)
    assert Absence.objects.count() == 1


def test_the_retention_purge_forgets_absences_and_what_they_freed_after_the_trails_retention(world, settings):
    settings.TRAIL_RETENTION_MONTHS = 12
    _on(make_pickup(world, days_ahead=1), world)
    _away(world, 1, 1)
    long_ago = world.chapter.today() - datetime.timedelta(days=400)
    Absence.objects.create(membership=world.coordinator, starts_on=long_ago, ends_on=long_ago,
                           recorded_by=world.coordinator.user)  # fmt: skip

    assert absences.purge_for_retention(apply=False).startswith("Would erase (dry run; add --apply): 1 ")
    assert absences.purge_for_retention(apply=True).startswith("Erased: 1 ")

    assert list(Absence.objects.values_list("membership", flat=True)) == [world.volunteer.pk]
    assert Release.objects.count() == 1


def test_the_member_page_shows_time_away_to_the_member_and_coordinators_only(client, world):
    _away(world, 2, 4)
    url = reverse("member_detail", args=[world.volunteer.pk])
    first, last = _days(world, 2, 4)
    away = f"Away from {first:%a %Y-%m-%d} to {last:%a %Y-%m-%d}"
    for member, sees in [(world.volunteer, True), (world.coordinator, True), (world.auditor, False)]:
        client.force_login(member.user)
        assert (away in client.get(url).text) is sees, member
