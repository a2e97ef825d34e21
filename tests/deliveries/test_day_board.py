"""The day board: every route of a day as it goes, for coordinators; it reloads itself without keeping anyone signed
in."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from deliveries import services
from deliveries.models import Route, RouteLoad
from mimac.models import Category
from tests.factories import make_household, make_member, make_route
from tests.pages import assert_clean_page, texts_of, without_bdi


@pytest.fixture
def produce(db):
    return Category.objects.get(code="produce")


def _board(world, day=None):
    url = reverse("deliveries:day_board", args=[world.chapter.code])
    return url + (f"?date={day:%Y-%m-%d}" if day else "")


def _route(world, name, count, driver=None):
    households = [make_household(world.chapter, name=f"{name} {number}") for number in range(count)]
    return make_route(world.chapter, world.hub, name=name, driver=driver or world.volunteer.user,
                      households=households, status="published")  # fmt: skip


def _record(route, outcomes, by, produce):
    for stop, outcome in zip(route.stops.order_by("sequence"), outcomes, strict=False):
        lines = [(produce, Decimal(9))] if outcome == "delivered" else []
        services.record_stop(stop=stop, by=by, outcome=outcome, lines=lines)


def test_the_board_shows_every_route_of_the_day_with_driver_progress_outcomes_and_times(client, world, produce):
    world.chapter.time_zone = "Asia/Kolkata"  # not the server's TIME_ZONE: the board keeps the chapter's clock
    world.chapter.save()
    east = _route(world, "Eastside", 4)
    bea = make_member(world.chapter, "bea", first_name="Bea").user
    west = _route(world, "Westside", 2, driver=bea)
    tomorrow = world.chapter.today() + datetime.timedelta(days=1)
    make_route(world.chapter, world.hub, date=tomorrow, name="Not today", status="published")
    make_route(world.other_chapter, world.other_hub, name="Northgate run", status="published")
    _record(east, ["delivered", "not_home", "refused"], world.volunteer.user, produce)
    RouteLoad.objects.create(route=east, direction="out", category=produce, quantity=36,
                             countersigned_by=world.coordinator.user, recorded_by=world.volunteer.user)  # fmt: skip
    returned = timezone.now()
    Route.objects.filter(pk=west.pk).update(sheet_returned_at=returned, sheet_returned_to=world.coordinator.user)

    client.force_login(world.admin)  # whose pages are in TIME_ZONE elsewhere
    response = client.get(_board(world))
    assert_clean_page(response)
    page = without_bdi(response.text)

    assert "Eastside" in page
    assert "Westside" in page
    assert "Not today" not in page
    assert "Northgate run" not in page
    assert texts_of(response.text, "route-progress") == [
        "3 of 4 stops done · Load-out recorded · Sheet not returned",
        "0 of 2 stops done · No load-out recorded · "
        f"Sheet returned {timezone.localtime(returned, world.chapter.zone):%Y-%m-%d %H:%M} to Coordinator",
    ]
    assert "Driver: Volunteer" in page
    assert "Driver: Bea" in page
    stops = list(east.stops.order_by("sequence"))
    rows = texts_of(response.text, "stop-row")
    for row, stop in zip(rows, stops[:3], strict=False):
        assert f"{timezone.localtime(stop.recorded_at, world.chapter.zone):%H:%M} Volunteer" in row
    assert "✓ Delivered" in rows[0]
    followed_up = texts_of(response.text, "follow-up")
    assert [row.split(" ")[0] for row in followed_up] == ["2", "3"], "not home and refused stand out"
    assert all("⚠" in row and "(follow up)" in row for row in followed_up), "by a sign and words, not colour alone"
    assert "Not home" in followed_up[0]
    assert "Refused" in followed_up[1]
    assert "Not yet" in rows[3]


def test_the_board_runs_the_same_queries_for_one_route_and_for_many(client, world, produce, django_assert_num_queries):
    client.force_login(world.coordinator.user)
    one = _route(world, "First", 1)
    _record(one, ["delivered"], world.volunteer.user, produce)
    with django_assert_num_queries(10) as small:  # the session, user and memberships; the chapter, its routes of
        # the day with their helpers and stops; the session's new expiry
        assert len(client.get(_board(world)).context["routes"]) == 1
    for number in range(5):
        route = _route(world, f"Route {number}", 6, driver=make_member(world.chapter, f"driver{number}").user)
        route.helpers.add(world.coordinator.user)
        _record(route, ["delivered", "not_home", "refused"], world.volunteer.user, produce)
        RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=54,
                                 countersigned_by=world.coordinator.user, recorded_by=world.volunteer.user)  # fmt: skip
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_board(world))
    assert sum(len(entry.stops) for entry in response.context["routes"]) == 31


def test_the_board_opens_on_today_where_the_chapter_is(client, world):
    """Late in the evening in Detroit it is tomorrow in UTC: the board still shows the chapter's day."""
    with time_machine.travel(datetime.datetime(2026, 12, 4, 3, 30, tzinfo=datetime.UTC), tick=False):
        _route(world, "Evening run", 1)
        client.force_login(world.coordinator.user)
        response = client.get(_board(world))
    assert response.context["day"] == datetime.date(2026, 12, 3)
    assert "Evening run" in response.text


def test_another_day_is_shown_on_asking_and_a_day_no_route_can_have_is_refused(client, world):
    yesterday = world.chapter.today() - datetime.timedelta(days=1)
    Route.objects.filter(pk=_route(world, "Yesterday's", 1).pk).update(date=yesterday)
    client.force_login(world.coordinator.user)
    assert "Yesterday&#x27;s" in client.get(_board(world, yesterday)).text
    for asked in ("0001-01-01", "9999-12-31", "not a day"):
        response = client.get(_board(world) + f"?date={asked}")
        assert response.status_code == 200, asked
        assert response.context["form"].errors, asked
        assert response.context["day"] == world.chapter.today(), asked


def test_the_board_reloads_itself_every_two_minutes_marked_as_unattended(client, world):
    client.force_login(world.coordinator.user)
    board = _board(world)
    assert client.get(board)["Refresh"] == f"120; url={board}?auto=1"
    day = world.chapter.today()
    assert client.get(_board(world, day))["Refresh"] == f"120; url={board}?date={day:%Y-%m-%d}&auto=1"


START = datetime.datetime(2027, 3, 2, 15, 0, tzinfo=datetime.UTC)


def at(minutes, seconds=0):
    return START + datetime.timedelta(minutes=minutes, seconds=seconds)


def test_an_untouched_board_still_signs_out_after_the_idle_time(client, world, settings):
    """Its reloads every two minutes do not renew the session: 15 minutes after the last request a person made,
    the board goes to the signed-out page, and the session has ended on the server."""
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(world.coordinator.user)
        ends = Session.objects.get().expire_date
        assert ends == at(settings.SESSION_COOKIE_AGE // 60)
        for minute in range(2, 13, 2):
            clock.move_to(at(minute))
            response = client.get(_board(world) + "?auto=1")
            assert response.status_code == 200, minute
            assert response["Refresh"] == f"120; url={_board(world)}?auto=1", minute
            assert Session.objects.get().expire_date == ends, f"the reload at {minute} minutes left the expiry alone"
        clock.move_to(at(14))
        assert client.get(_board(world) + "?auto=1")["Refresh"] == f"60; url={reverse('signed_out')}"
        clock.move_to(at(15, 1))
        response = client.get(_board(world) + "?auto=1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_opening_the_board_starts_the_idle_clock_again(client, world):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(world.coordinator.user)
        clock.move_to(at(10))
        assert client.get(_board(world)).status_code == 200
        clock.move_to(at(24))
        assert client.get(_board(world) + "?auto=1").status_code == 200, "the request at 10:00 renewed the session"
        assert Session.objects.get().expire_date == at(25)


def test_only_coordinators_follow_the_board(client, world):
    for user, answer in [(world.volunteer.user, 403), (world.auditor.user, 403), (world.other_coordinator.user, 404)]:
        client.force_login(user)
        assert client.get(_board(world)).status_code == answer
