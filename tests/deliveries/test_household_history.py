"""What deliveries adds to a household's page and to its erasure, through mimac.extensions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from deliveries import services
from deliveries.models import HouseholdReport
from mimac.models import Category
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page, without_bdi


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


def _delivered(world, household, days_ago=0, note=""):
    """A stop at the household on a published route `days_ago`, recorded as delivered: 7.5 lb of produce."""
    date = world.chapter.today() - datetime.timedelta(days=days_ago)
    driver = world.volunteer.user
    route = make_route(world.chapter, world.hub, date, driver=driver, households=[household], status="published")
    lines = [(Category.objects.get(name="Produce"), Decimal("7.5"))]
    return services.record_stop(stop=route.stops.get(), by=driver, outcome="delivered", lines=lines, note=note)


def test_the_household_page_shows_what_reached_them_lately(coordinator, world):
    household = make_household(world.chapter, name="Amina")
    stop = _delivered(world, household)
    page = coordinator.get(reverse("recipients:household_detail", args=[household.pk]))
    assert_clean_page(page)
    line = stop.delivered_lines.get()
    assert f'Delivered — <a href="/ledger/deliveryline/{line.pk}/">Produce 7.5 lb</a>' in without_bdi(page.text)
    assert reverse("deliveries:household_reports", args=[household.pk]) in page.text


def test_the_household_page_runs_the_same_queries_for_1_and_10_deliveries(
    coordinator, world, django_assert_num_queries
):
    household = make_household(world.chapter)
    _delivered(world, household)
    url = reverse("recipients:household_detail", args=[household.pk])
    # session, user, memberships, household, who took their consent, standing delivery, open library loans and
    # requests, stops, lines, categories, session save (3)
    with django_assert_num_queries(14) as one:
        coordinator.get(url)
    for days_ago in range(1, 10):
        _delivered(world, household, days_ago)
    with django_assert_num_queries(len(one.captured_queries)):
        page = coordinator.get(url)
    assert without_bdi(page.text).count("Produce 7.5 lb") == 10


def test_erasing_a_household_blanks_the_notes_about_it_and_keeps_what_was_delivered(coordinator, world):
    household = make_household(world.chapter, name="Amina")
    other = make_household(world.chapter, name="Bilal")
    stop, others_stop = (_delivered(world, someone, note="gate code 12") for someone in (household, other))
    by = world.coordinator.user
    for someone in (household, other):
        HouseholdReport.objects.create(
            household=someone, date=stop.route.date, kind="received", via="phone", note="ask for Amina", recorded_by=by
        )

    coordinator.post(reverse("recipients:household_erase", args=[household.pk]), {"confirm": household.code})

    stop.refresh_from_db()
    assert stop.note == "", "a volunteer's note about them goes with their data"
    assert household.reports.get().note == "", "so does what a coordinator noted of their word"
    assert stop.delivered_lines.get().quantity == Decimal("7.5"), "what was delivered stays in the ledger"
    others_stop.refresh_from_db()
    assert (others_stop.note, other.reports.get().note) == ("gate code 12", "ask for Amina"), "only theirs"
