"""Pauses: dated days away that end on their own, refused when they make no sense, shown where coordinators look,
and forgotten with the household."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries import planner, services
from deliveries.models import DeliveryArrangement, Pause, PlanNote, Route, StandingStop
from mimac.models import Category, TrailEvent
from tests.factories import make_arrangement, make_household, make_route, make_standing_route, next_weekday
from tests.pages import assert_clean_page

DAY = datetime.timedelta(days=1)


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


@pytest.fixture
def amina(world):
    """Due every Tuesday on Tuesday east, drafted for the coming Tuesday."""
    household = make_household(world.chapter, "Amina")
    make_arrangement(household, world.hub)
    make_standing_route(world.chapter, world.hub, households=[household], driver=world.volunteer.user)
    planner.plan(chapter=world.chapter)
    return household


def _pause(coordinator, household, first, last, reason="hospital", note=""):
    data = {"starts_on": first.isoformat(), "ends_on": last.isoformat(), "reason": reason, "note": note, "version": 1}
    return coordinator.post(reverse("deliveries:pauses", args=[household.pk]), data)


def test_a_pause_takes_them_off_the_drafts_and_says_when_they_resume(coordinator, world, amina):
    tuesday = next_weekday(world.chapter, 1)
    response = _pause(coordinator, amina, tuesday, tuesday + 13 * DAY)
    assert response.status_code == 302
    assert not Route.objects.filter(chapter=world.chapter).exists()  # the only household on it: the draft goes
    page = coordinator.get(response.url)
    assert_clean_page(page)
    resumes = (tuesday + 14 * DAY).isoformat()
    assert f"deliveries start again on {resumes}" in page.text
    amina.refresh_from_db()
    assert amina.status == "active"
    assert TrailEvent.objects.filter(subject__startswith=f"{amina.code} pause").exists()


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (5, 4, "The last day away cannot be before the first."),
        (-100, 300, "A pause is shorter than 12 months"),
        (3, 9, "This overlaps the pause from"),
    ],
)
def test_a_pause_that_makes_no_sense_is_refused_and_kept_in_the_form(coordinator, world, amina, first, last, message):
    today = world.chapter.today()
    Pause.objects.create(household=amina, starts_on=today + 8 * DAY, ends_on=today + 10 * DAY, reason="travel",
                         recorded_by=world.coordinator.user)  # fmt: skip
    response = _pause(coordinator, amina, today + first * DAY, today + last * DAY, note="kept")
    assert response.status_code == 200
    assert message in response.text
    assert 'value="kept"' in response.text
    assert Pause.objects.filter(household=amina).count() == 1


def test_a_pause_cannot_cover_a_day_already_delivered(coordinator, world, amina):
    yesterday = world.chapter.today() - DAY
    route = make_route(world.chapter, world.hub, date=yesterday, driver=world.volunteer.user, households=[amina],
                       status="published")  # fmt: skip
    produce = Category.objects.get(code="produce")
    services.record_stop(stop=route.stops.get(), by=world.volunteer.user, outcome="delivered",
                         lines=[(produce, Decimal(3))])  # fmt: skip
    response = _pause(coordinator, amina, yesterday - DAY, yesterday + 5 * DAY)
    assert f"They were delivered to on {yesterday.isoformat()}" in response.text
    assert not Pause.objects.exists()


def test_the_retention_period_sets_the_longest_pause(coordinator, world, amina, settings):
    settings.HOUSEHOLD_RETENTION_MONTHS = 1
    today = world.chapter.today()
    assert "shorter than 1 months" in _pause(coordinator, amina, today, today + 40 * DAY).text
    assert _pause(coordinator, amina, today, today + 20 * DAY).status_code == 302


def test_ending_a_pause_under_way_brings_them_back_today(coordinator, world, amina):
    today = world.chapter.today()
    pause = Pause.objects.create(household=amina, starts_on=today - 3 * DAY, ends_on=today + 20 * DAY,
                                 reason="hospital", recorded_by=world.coordinator.user)  # fmt: skip
    planner.plan_household(household=amina)
    assert not Route.objects.exists()
    coordinator.post(reverse("deliveries:pause_end", args=[pause.pk]))
    pause.refresh_from_db()
    assert pause.ends_on == today - DAY
    assert Route.objects.get().stops.get().household == amina


def test_a_pause_not_begun_is_cancelled(coordinator, world, amina):
    today = world.chapter.today()
    pause = Pause.objects.create(household=amina, starts_on=today + 30 * DAY, ends_on=today + 40 * DAY,
                                 reason="travel", recorded_by=world.coordinator.user)  # fmt: skip
    coordinator.post(reverse("deliveries:pause_end", args=[pause.pk]))
    assert not Pause.objects.exists()


def test_a_pause_edited_by_two_people_shows_both_versions(coordinator, world, amina):
    today = world.chapter.today()
    pause = Pause.objects.create(household=amina, starts_on=today + 30 * DAY, ends_on=today + 40 * DAY,
                                 reason="travel", recorded_by=world.coordinator.user)  # fmt: skip
    Pause.objects.filter(pk=pause.pk).update(version=2, ends_on=today + 35 * DAY)
    data = {"starts_on": pause.starts_on.isoformat(), "ends_on": (today + 45 * DAY).isoformat(), "reason": "travel",
            "note": "", "version": 1}  # fmt: skip
    response = coordinator.post(reverse("deliveries:pause_edit", args=[pause.pk]), data)
    assert "Someone else saved this while you were editing" in response.text
    pause.refresh_from_db()
    assert pause.ends_on == today + 35 * DAY


def test_the_coordinators_home_lists_who_resumes_this_week_and_paused_stops_on_published_routes(
    coordinator, world, amina
):
    [route] = Route.objects.all()
    services.publish(route=route, by=world.coordinator.user, version=route.version)
    back = make_household(world.chapter, "Bilal")
    today = world.chapter.today()
    Pause.objects.create(household=back, starts_on=today - 10 * DAY, ends_on=today + 2 * DAY, reason="travel",
                         recorded_by=world.coordinator.user)  # fmt: skip
    Pause.objects.create(household=amina, starts_on=route.date, ends_on=route.date + 7 * DAY, reason="hospital",
                         recorded_by=world.coordinator.user)  # fmt: skip
    planner.plan_household(household=amina)
    assert route.stops.filter(household=amina).exists()  # the planner never takes a stop off a published route
    page = coordinator.get(reverse("dashboard:home"))
    assert_clean_page(page)
    assert f"{amina.code} is paused on {route.date:%a %Y-%m-%d} but on the published route Tuesday east" in page.text
    assert f"{back.code}</a>: {today + 3 * DAY:%a %Y-%m-%d}" in page.text


def test_the_coordinators_home_lists_unplaced_and_left_alone_households(coordinator, world, amina):
    loose = make_household(world.chapter, "Chen")
    make_arrangement(loose, world.hub)
    [route] = Route.objects.all()
    paused = make_household(world.chapter, "RIV five")
    make_arrangement(paused, world.hub)
    Pause.objects.create(household=paused, starts_on=route.date, ends_on=route.date, reason="travel",
                         recorded_by=world.coordinator.user)  # fmt: skip
    services.add_stops(route=route, households=[paused], version=route.version, by=world.coordinator.user)
    planner.plan(chapter=world.chapter)
    page = coordinator.get(reverse("dashboard:home"))
    assert f"{loose.code} is due but on no standing route that day." in page.text
    assert f"{paused.code} is paused but still on Tuesday east: you added it." in page.text
    assert PlanNote.objects.filter(chapter=world.other_chapter).count() == 0


def test_the_household_page_shows_the_arrangement_and_the_pause(coordinator, world, amina):
    today = world.chapter.today()
    Pause.objects.create(household=amina, starts_on=today - DAY, ends_on=today + 3 * DAY, reason="hospital",
                         recorded_by=world.coordinator.user)  # fmt: skip
    page = coordinator.get(reverse("recipients:household_detail", args=[amina.pk]))
    assert_clean_page(page)
    assert "Every week on Tuesday" in page.text
    assert f"deliveries start again on {today + 4 * DAY:%a %Y-%m-%d}" in page.text
    assert "Tuesday east" in page.text


def test_erasing_a_household_forgets_its_pauses_arrangement_and_places(coordinator, world, amina):
    today = world.chapter.today()
    Pause.objects.create(household=amina, starts_on=today + 30 * DAY, ends_on=today + 31 * DAY, reason="hospital",
                         note="knee surgery", recorded_by=world.coordinator.user)  # fmt: skip
    coordinator.post(reverse("recipients:household_erase", args=[amina.pk]), {"confirm": amina.code})
    assert not Pause.objects.filter(household=amina).exists()
    assert not DeliveryArrangement.objects.filter(household=amina).exists()
    assert not StandingStop.objects.filter(household=amina).exists()
    assert not Route.objects.exists()


def test_another_chapters_coordinator_cannot_pause_a_household(client, world, amina):
    client.force_login(world.other_coordinator.user)
    today = world.chapter.today()
    assert _pause(client, amina, today, today).status_code == 404
    assert not Pause.objects.exists()
