"""The cover board: what needs someone in the next two weeks, soonest first, "I'll take it" by the rules, the
printed sheet, and the same queries for 1 opening or 30."""

import datetime

from django.urls import reverse
from django.utils import timezone

from deliveries import absences
from deliveries.models import Route
from pickups.models import Pickup
from tests.factories import make_household, make_pickup, make_route
from tests.pages import assert_clean_page


def _board(client, world, who):
    client.force_login(who.user if hasattr(who, "user") else who)
    return client.get(reverse("deliveries:cover", args=[world.chapter.code]))


def _take(client, world, key):
    return client.post(reverse("deliveries:cover_take", args=[world.chapter.code]), {"take": key})


def test_the_board_lists_what_needs_someone_soonest_first_and_nothing_else(client, world):
    later = make_pickup(world, days_ahead=5)
    sooner = make_pickup(world, days_ahead=1, start=14, end=15)
    covered = make_pickup(world, days_ahead=1)
    covered.assignments.create(volunteer=world.volunteer.user)
    alone = make_pickup(world, days_ahead=2)
    alone.assignments.create(volunteer=world.observing.user)  # a new member alone still needs a trusted one
    too_far = make_pickup(world, days_ahead=14)
    driverless = make_route(world.chapter, world.hub, world.chapter.today() + datetime.timedelta(days=1), name="Dawn")
    make_route(world.chapter, world.hub, driver=world.volunteer.user, name="Driven")
    make_pickup(world, days_ahead=1, chapter=world.other_chapter, hub=world.other_hub)

    rows = _board(client, world, world.volunteer).context["rows"]

    assert [row.item for row in rows] == [driverless, sooner, alone, later]
    assert covered not in [row.item for row in rows]
    assert too_far not in [row.item for row in rows]


def test_a_volunteer_takes_a_pickup_from_the_board_and_it_leaves_the_board(client, world):
    pickup = make_pickup(world, days_ahead=2)
    _board(client, world, world.volunteer)

    response = _take(client, world, f"pickup-{pickup.pk}")

    assert response.status_code == 302
    assert pickup.assignments.get().volunteer == world.volunteer.user
    assert pickup not in [row.item for row in _board(client, world, world.volunteer).context["rows"]]


def test_an_observing_member_may_not_take_a_route_as_its_driver(client, world):
    route = make_route(world.chapter, world.hub, world.chapter.today() + datetime.timedelta(days=1))
    response = _board(client, world, world.observing)
    assert 'name="take"' not in response.text

    assert _take(client, world, f"route-{route.pk}").status_code == 403
    route.refresh_from_db()
    assert route.driver is None


def test_an_auditor_sees_the_board_and_may_take_nothing(client, world):
    route = make_route(world.chapter, world.hub, world.chapter.today() + datetime.timedelta(days=1))
    pickup = make_pickup(world, days_ahead=1)
    assert 'name="take"' not in _board(client, world, world.auditor).text
    assert _take(client, world, f"route-{route.pk}").status_code == 403
    assert _take(client, world, f"pickup-{pickup.pk}").status_code == 403


def test_a_trusted_volunteer_drives_a_route_freed_by_an_absence_and_it_is_published_again(client, world):
    household = make_household(world.chapter)
    tomorrow = world.chapter.today() + datetime.timedelta(days=1)
    route = make_route(world.chapter, world.hub, tomorrow, driver=world.coordinator.user, households=[household])
    Route.objects.filter(pk=route.pk).update(status="published", published_at=timezone.now())
    absences.record_absence(membership=world.coordinator, starts_on=tomorrow, ends_on=tomorrow,
                            by=world.coordinator.user)  # fmt: skip
    route.refresh_from_db()
    assert (route.status, route.driver) == (Route.Status.DRAFT, None)

    response = _board(client, world, world.coordinator)
    assert "is away: freed by" in response.text
    client.force_login(world.volunteer.user)
    _take(client, world, f"route-{route.pk}")

    route.refresh_from_db()
    assert (route.status, route.driver, route.edited_by) == (Route.Status.PUBLISHED, world.volunteer.user,
                                                             world.volunteer.user)  # fmt: skip


def test_a_slot_freed_inside_the_cutoff_is_red_for_coordinators_with_who_freed_it(client, world):
    world.chapter.pickup_cutoff_hours = 48
    world.chapter.save()
    pickup = make_pickup(world, days_ahead=1, start=8, end=9)
    pickup.assignments.create(volunteer=world.volunteer.user)
    tomorrow = world.chapter.today() + datetime.timedelta(days=1)
    absences.record_absence(membership=world.volunteer, starts_on=tomorrow, ends_on=tomorrow,
                            by=world.coordinator.user)  # fmt: skip

    coordinator = _board(client, world, world.coordinator).text
    volunteer = _board(client, world, world.volunteer).text

    assert 'class="table-danger"' in coordinator
    assert "inside the cut-off" in coordinator
    assert "<bdi>Volunteer</bdi> is away: freed by <bdi>Coordinator</bdi>" in coordinator
    assert "table-danger" not in volunteer
    assert "freed by" not in volunteer


def test_nobody_takes_what_another_chapter_holds_or_what_is_no_longer_open(client, world):
    theirs = make_pickup(world, days_ahead=1, chapter=world.other_chapter, hub=world.other_hub)
    client.force_login(world.other_coordinator.user)
    assert client.get(reverse("deliveries:cover", args=[world.chapter.code])).status_code == 404
    client.force_login(world.volunteer.user)
    assert _take(client, world, f"pickup-{theirs.pk}").status_code == 404
    done = make_pickup(world, days_ahead=1)
    Pickup.objects.filter(pk=done.pk).update(status=Pickup.Status.CANCELLED)
    response = client.post(reverse("deliveries:cover_take", args=[world.chapter.code]), {"take": f"pickup-{done.pk}"},
                           follow=True)  # fmt: skip
    assert "This pickup is no longer open." in response.text
    for nonsense in ["", "pickup-", "route-x", "pickup-1e3", "household-1", "route-²"]:
        response = client.post(reverse("deliveries:cover_take", args=[world.chapter.code]), {"take": nonsense},
                               follow=True)  # fmt: skip
        assert "Choose a pickup or a route to take." in response.text, nonsense


def test_a_member_away_that_day_cannot_take_it(client, world):
    pickup = make_pickup(world, days_ahead=3)
    day = pickup.date
    absences.record_absence(membership=world.volunteer, starts_on=day, ends_on=day, by=world.volunteer.user)
    client.force_login(world.volunteer.user)
    response = client.post(reverse("deliveries:cover_take", args=[world.chapter.code]), {"take": f"pickup-{pickup.pk}"},
                           follow=True)  # fmt: skip
    assert "Volunteer is away that day." in response.text
    assert not pickup.assignments.exists()


def test_the_board_and_its_sheet_run_the_same_queries_for_1_and_30_openings(
    client, world, django_assert_num_queries, django_assert_max_num_queries
):
    def add(count, offset):
        for number in range(count):
            pickup = make_pickup(world, days_ahead=1 + (number + offset) % 13)
            if number % 3 == 0:
                pickup.assignments.create(volunteer=world.observing.user)
            route = make_route(world.chapter, world.hub, pickup.date, households=[make_household(world.chapter)])
            route.helpers.add(world.observing.user)

    add(1, 0)
    client.force_login(world.coordinator.user)
    board = reverse("deliveries:cover", args=[world.chapter.code])
    sheet = reverse("deliveries:cover_print", args=[world.chapter.code]) + f"?hub={world.hub.pk}"
    with django_assert_max_num_queries(30) as few_board:
        client.get(board)
    with django_assert_max_num_queries(30) as few_sheet:
        client.get(sheet)
    add(29, 1)
    tomorrow = world.chapter.today() + datetime.timedelta(days=1)
    make_pickup(world, days_ahead=1).assignments.create(volunteer=world.volunteer.user)
    absences.record_absence(membership=world.volunteer, starts_on=tomorrow, ends_on=tomorrow, by=world.volunteer.user)
    with django_assert_num_queries(len(few_board.captured_queries)):
        assert len(client.get(board).context["rows"]) == 61
    with django_assert_num_queries(len(few_sheet.captured_queries)):
        assert_clean_page(client.get(sheet))


def test_the_old_needs_a_volunteer_sheet_leads_to_the_cover_sheet(client, world):
    pickup = make_pickup(world, days_ahead=2)
    client.force_login(world.volunteer.user)
    response = client.get(reverse("pickups:print_open") + f"?hub={world.hub.pk}", follow=True)
    assert response.redirect_chain[-1][0] == (
        reverse("deliveries:cover_print", args=[world.chapter.code]) + f"?hub={world.hub.pk}"
    )
    assert pickup.supplier.name in response.text
    assert pickup.supplier.address in response.text


def test_home_says_how_many_need_cover(client, world):
    make_pickup(world, days_ahead=2)
    make_pickup(world, days_ahead=3)
    client.force_login(world.volunteer.user)
    response = client.get(reverse("dashboard:home"))
    assert "2 pickups and routes of the next two weeks need cover" in response.text


def test_a_long_board_comes_a_page_at_a_time_soonest_first(client, world, monkeypatch):
    from deliveries import cover_views

    monkeypatch.setattr(cover_views, "OPENINGS_PER_PAGE", 2)
    pickups = [make_pickup(world, days_ahead=days) for days in (1, 2, 3)]
    first = _board(client, world, world.volunteer)
    second = client.get(reverse("deliveries:cover", args=[world.chapter.code]), {"page": 2})

    assert [row.item for row in first.context["rows"]] == pickups[:2]
    assert [row.item for row in second.context["rows"]] == pickups[2:]
    assert "3 need someone." in first.text
    assert "Page 1 of 2" in first.text
