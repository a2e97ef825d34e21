"""A member's track record: each figure, for each period, equals the rows its drill-down lists; the periods cut
where they should; the member page costs the same queries however long the record."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import track_record
from deliveries import services as deliveries_services
from deliveries.models import RouteLoad
from ledger import services as ledger
from mimac.models import Absence, Category
from pickups import services as pickups_services
from pickups.models import Pickup
from tests.factories import make_household, make_member, make_pickup, make_route
from tests.pages import assert_clean_page


def _on(pickup, *users, by):
    for user in users:
        pickup.assignments.create(volunteer=user, assigned_by=by)
    return pickup


def _done(pickup, by, late=False, lines=()):
    arrived = pickup.window_ends_at + datetime.timedelta(hours=1) if late else pickup.window_starts_at
    return pickups_services.record_done(pickup=pickup, by=by, arrived_at=arrived, lines=list(lines))


def _route(world, days, driver, helpers=(), name="Eastside morning"):
    date = world.chapter.today() + datetime.timedelta(days=days)
    households = [make_household(world.chapter)]
    route = make_route(world.chapter, world.hub, date=date, driver=driver, households=households, status="published",
                       name=name)  # fmt: skip
    route.helpers.set(helpers)
    return route


def _load_and_deliver(route, by, countersigned_by, loaded, delivered, produce):
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=loaded,
                             countersigned_by=countersigned_by, recorded_by=by)  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, delivered)])


def build_record(world, extra=0):
    """The newcomer's first three days, every figure at least once (`extra` more pickups and routes besides)."""
    newcomer, partner, coordinator = world.observing.user, world.volunteer.user, world.coordinator.user
    produce = Category.objects.get(code="produce")
    on_time = _on(make_pickup(world, -2), partner, newcomer, by=coordinator)
    _done(on_time, newcomer, lines=[(produce, Decimal(4))])
    _done(_on(make_pickup(world, -1), partner, newcomer, by=coordinator), newcomer, late=True)
    missed = _on(make_pickup(world, -1, start=12, end=13), newcomer, by=coordinator)
    pickups_services.record_missed(pickup=missed, by=newcomer, reason=Pickup.MissedReason.VEHICLE)
    cancelled = _on(make_pickup(world, -2, start=14, end=15), newcomer, by=coordinator)
    Pickup.objects.filter(pk=cancelled.pk).update(status=Pickup.Status.CANCELLED)
    ahead = _on(make_pickup(world, 5), partner, newcomer, by=coordinator)
    pickups_services.take_off_pickup(pickup=ahead, volunteer=newcomer, by=newcomer, coordinator=False)
    pickups_services.take_off_pickup(pickup=ahead, volunteer=partner, by=partner, coordinator=False)  # not theirs
    inside_cutoff = _on(make_pickup(world, 0, start=20, end=21), partner, newcomer, by=coordinator)
    pickups_services.take_off_pickup(pickup=inside_cutoff, volunteer=newcomer, by=coordinator, coordinator=True)

    beside = _route(world, 0, partner, helpers=[newcomer], name="With a trusted driver")
    _load_and_deliver(beside, newcomer, coordinator, 5, 5, produce)
    _load_and_deliver(_route(world, -1, newcomer, name="Balanced"), newcomer, partner, 5, 5, produce)
    _load_and_deliver(_route(world, -2, newcomer, name="Short"), newcomer, partner, 5, 2, produce)

    for quantity in (Decimal(10), Decimal(7)):
        brought = _done(_on(make_pickup(world, -1, start=15, end=16), partner, by=coordinator), partner,
                        lines=[(produce, Decimal(10))])  # fmt: skip
        pickups_services.check_intake(pickup=brought, by=newcomer, lines=[(produce, quantity)])
    ledger.correct(on_time.lines.get(), by=newcomer, reason="misread the scale", quantity=Decimal(5))
    today = world.chapter.today()
    Absence.objects.create(membership=world.observing, starts_on=today - datetime.timedelta(days=1),
                           ends_on=today + datetime.timedelta(days=2), recorded_by=newcomer)  # fmt: skip

    for number in range(extra):
        _done(_on(make_pickup(world, -1, start=6, end=7), partner, newcomer, by=coordinator), newcomer)
        more = _route(world, -1, newcomer, helpers=[partner], name=f"More {number}")
        _load_and_deliver(more, newcomer, partner, 5, 5, produce)


EXPECTED = {
    "taken": 3,
    "in_window": 1,
    "given_back_before": 1,
    "given_back_after": 1,
    "missed": 1,
    "pickups_with_trusted": 2,
    "routes_with_trusted": 1,
    "driven": 2,
    "stops": 3,
    "loaded_out": 2,
    "balanced": 1,
    "checks": 2,
    "agreed": 1,
    "corrections": 1,
    "absences": 1,
}


def test_every_figure_is_covered():
    assert set(EXPECTED) == {figure.key for figure in track_record.FIGURES}


def test_the_newcomers_figures_count_what_they_did(world):
    build_record(world)
    periods, lines = track_record.track_record(world.observing)
    assert [period.key for period in periods] == ["observation", "recent"]
    for line in lines:
        assert [count for _period, count in line.counts] == [EXPECTED[line.figure.key]] * 2, line.figure.key


@pytest.mark.parametrize("period", ["observation", "recent"])
@pytest.mark.parametrize("figure", sorted(EXPECTED))
def test_each_figure_equals_the_rows_its_link_lists(client, world, figure, period):
    build_record(world)
    client.force_login(world.coordinator.user)
    page = client.get(reverse("member_detail", args=[world.observing.pk]))
    link = reverse("audit:track_record_rows", args=[world.observing.pk, period, figure])
    assert f'href="{link}">{EXPECTED[figure]}</a>' in page.text

    rows = client.get(link)

    assert rows.status_code == 200
    assert_clean_page(rows)
    assert rows.text.count('class="track-row"') == EXPECTED[figure]
    assert rows["Cache-Control"].count("no-store") == 1


def test_the_periods_cut_at_the_end_of_observation_and_at_the_trails_retention(world):
    """The volunteer joined 200 days ago and observed for 90: one pickup then, one lately, one too old for both."""
    volunteer, coordinator = world.volunteer.user, world.coordinator.user
    for days in (-150, -20, -400):
        _done(_on(make_pickup(world, days), volunteer, by=coordinator), volunteer)
    taken = track_record.track_record(world.volunteer)[1][0]
    assert taken.figure.key == "taken"
    assert [count for _period, count in taken.counts] == [1, 2]


def test_a_give_back_is_counted_for_whoever_gave_it_back_and_nobody_whose_id_it_ends_like(world):
    """Trail lines name accounts by id: the newcomer (#N) must not count the give-backs of account #9N."""
    newcomer = world.observing
    lookalike = make_member(world.chapter, "lookalike", id=int(f"9{newcomer.user.pk}"))
    pickup = _on(make_pickup(world, 5), world.volunteer.user, lookalike.user, by=world.coordinator.user)
    pickups_services.take_off_pickup(pickup=pickup, volunteer=lookalike.user, by=lookalike.user, coordinator=False)

    before = track_record.figure_of("given_back_before")
    assert before.rows(lookalike, track_record.period_of(lookalike, "recent")).count() == 1
    assert before.rows(newcomer, track_record.period_of(newcomer, "recent")).count() == 0


@pytest.mark.parametrize(("period", "figure"), [("ever", "taken"), ("recent", "nothing"), ("recent", "' OR 1=1 --")])
def test_an_unknown_period_or_figure_is_not_found(client, world, period, figure):
    client.force_login(world.coordinator.user)
    response = client.get(reverse("audit:track_record_rows", args=[world.observing.pk, period, figure]))
    assert response.status_code == 404


def _queries_of_member_page(client, world):
    client.force_login(world.coordinator.user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("member_detail", args=[world.observing.pk])).status_code == 200
    return len(captured)


def test_the_member_page_runs_the_same_queries_for_a_short_and_a_long_record(client, world):
    build_record(world)
    short = _queries_of_member_page(client, world)
    for _ in range(3):
        build_record(world, extra=2)
    assert _queries_of_member_page(client, world) == short
