"""The audit's reconciliation: a hub's stock between two counts, and each route's load against what it delivered,
worked out by hand and traced to exactly their rows."""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from audit.queries import Audit, Period, with_routes
from deliveries import services as deliveries_services
from deliveries.models import DeliveryLine, HouseholdReport, Route, RouteLoad
from ledger.models import LedgerHead
from mimac.models import Chapter
from pickups.models import PickupLine
from tests.audit.recording import on_day, route_that_delivered
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page


def test_the_reconciliation_matches_the_hand_worked_example(world, worked_example, produce, hygiene):
    [result] = Audit(world.chapter, [world.hub], worked_example).reconciliations

    assert (result.first, result.last) == (on_day(world, -9), on_day(world, -5))
    lines = {line.category: line for line in result.lines}
    assert set(lines) == {produce, hygiene}
    food = lines[produce]
    # 100 + 50 (the corrected 60) - 30 - 20 (the corrected 25) - 10 = 90; counted 85.
    assert (food.opening, food.received, food.delivered, food.handed_out, food.spoiled) == (100, 50, 30, 20, 10)
    assert (food.expected, food.counted, food.difference, food.share) == (90, 85, -5, Decimal("-5.6"))
    assert food.flagged, "5.6% is beyond the chapter's 5%"
    goods = lines[hygiene]
    # Items, never added to pounds: 20 + 10 - 5 = 25; counted 25.
    assert (goods.expected, goods.counted, goods.difference, goods.flagged) == (25, 25, 0, False)


def test_every_figure_of_the_reconciliation_links_to_exactly_its_rows(client, world, worked_example, produce):
    client.force_login(world.auditor.user)
    period = worked_example
    page = client.get(reverse("audit:home"), {"start": period.start, "end": period.end, "hub": world.hub.pk})
    assert_clean_page(page)
    received_url = audit_rows_url(page, "received", produce)
    rows = client.get(received_url).context["rows"]
    newest = PickupLine.objects.newest().get(category=produce, quantity=50)
    assert [row["url"] for row in rows] == [reverse("ledger:entry", args=["pickupline", newest.pk])]
    handed = client.get(audit_rows_url(page, "handed_out", produce)).context["rows"]
    assert [row["quantity"] for row in handed] == [Decimal(20)], "the correction, not the row it replaced"


def audit_rows_url(page, what, category):
    """The link the audit page gives for a flow of a category."""
    pattern = rf'href="(/audit/rows/\?[^"]*what={what}[^"]*)"'
    for url in re.findall(pattern, page.text):
        url = url.replace("&amp;", "&")
        if f"category={category.pk}&" in url + "&":
            return url
    raise AssertionError(f"no link to the {what} rows of {category}")


def test_the_planted_problems_of_the_demo_are_flagged_with_exactly_their_rows(client, db):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    period = Period(today - datetime.timedelta(days=14), today)
    client.force_login(chapter.memberships.get(user__username="auditor").user)

    route = Route.objects.get(chapter=chapter, name="Eastside morning", date=today - datetime.timedelta(days=7))
    report = Audit(chapter, chapter.hubs.all(), period)
    flagged = with_routes([b for b in report.route_balances if b.flagged])
    assert [(b.route, b.category.name, b.carried, b.delivered) for b in flagged] == [(route, "Produce", 10, 15)]
    behind = _rows(client, period, what="route", route=route.pk)
    expected = [*RouteLoad.objects.filter(route=route), *DeliveryLine.objects.filter(stop__route=route)]
    assert sorted(row["url"] for row in behind) == sorted(_ledger_url(row) for row in expected)

    report = HouseholdReport.objects.get(household__chapter=chapter, kind="nothing")
    assert report.household == route.stops.get(sequence=1).household
    assert [row["url"] for row in _rows(client, period, what="contradicted")] == [_ledger_url(report)]

    [reconciliation] = Audit(chapter, [hub], period).reconciliations
    assert [(line.category.name, line.share) for line in reconciliation.flagged] == [("Produce", Decimal("-12.0"))]
    closing = reconciliation.closing_count
    counted = _rows(client, period, what="count", count=closing.pk, hub=hub.pk)
    assert sorted(row["url"] for row in counted) == sorted(_ledger_url(line) for line in closing.lines.all())


def _rows(client, period, **params):
    response = client.get(reverse("audit:rows"), {"chapter": "RIV", "start": period.start, "end": period.end, **params})
    return response.context["rows"]


def _ledger_url(row):
    return reverse("ledger:entry", args=[row._meta.model_name, row.pk])


def test_a_route_that_delivered_more_than_it_carried_is_flagged_with_its_volunteers(client, world, produce):
    by = world.volunteer.user
    households = [make_household(world.chapter, name=f"H{n}") for n in range(3)]
    route = make_route(world.chapter, world.hub, driver=by, households=households, status="published")
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=10,
                             countersigned_by=world.coordinator.user, recorded_by=by)  # fmt: skip
    RouteLoad.objects.create(route=route, direction="back", category=produce, quantity=1, recorded_by=by)
    for stop in route.stops.all():
        deliveries_services.record_stop(stop=stop, by=by, outcome="delivered", lines=[(produce, 4)])
    [balance] = Audit(world.chapter, [world.hub], Period(route.date, route.date)).route_balances
    assert (balance.carried, balance.delivered, balance.unaccounted, balance.flagged) == (9, 12, -3, True)
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"))
    assert "Volunteer" in page.text or by.username in page.text
    rows = client.get(reverse("audit:rows"), {"what": "route", "route": route.pk}).context["rows"]
    assert len(rows) == 2 + 3, "two loads and three delivered lines"


def test_a_route_still_on_the_road_today_is_not_flagged_until_its_stops_are_recorded(world, produce):
    by = world.volunteer.user
    households = [make_household(world.chapter, name=f"H{n}") for n in range(2)]
    route = make_route(world.chapter, world.hub, driver=by, households=households, status="published")
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=10,
                             countersigned_by=world.coordinator.user, recorded_by=by)  # fmt: skip
    first, second = route.stops.order_by("sequence")
    deliveries_services.record_stop(stop=first, by=by, outcome="delivered", lines=[(produce, 4)])

    def balance():
        [judged] = Audit(world.chapter, [world.hub], Period(route.date, route.date)).route_balances
        return judged.unaccounted, judged.on_the_road, judged.flagged

    assert balance() == (6, True, False), "half its load is still in the car"
    Route.objects.filter(pk=route.pk).update(date=route.date - datetime.timedelta(days=1))
    route.refresh_from_db()
    assert balance() == (6, False, True), "yesterday's route with 6 unaccounted for is flagged"
    Route.objects.filter(pk=route.pk).update(date=route.date + datetime.timedelta(days=1))
    route.refresh_from_db()
    deliveries_services.record_stop(stop=second, by=by, outcome="not_home", lines=[])
    assert balance() == (6, False, True), "every stop recorded: judged today already"


def test_the_audit_lists_only_the_routes_that_do_not_balance_and_counts_the_rest(client, world, produce):
    for name, delivered in (("Balanced", 5), ("Short", 2)):
        route_that_delivered(world, produce, name, delivered)
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"))
    assert "2 routes recorded a load-out; 1 of them beyond the tolerance" in page.text
    assert [b.route.name for b in page.context["balances"]] == ["Short"]
    every_route = client.get(reverse("audit:home"), {"csv": "routes"}).content.decode()
    assert [row[0] for row in csv.reader(io.StringIO(every_route))][1:] == ["Balanced", "Short"]


def test_the_audit_shows_the_largest_route_differences_first_and_says_what_it_left_to_the_csv(
    client, world, produce, monkeypatch
):
    monkeypatch.setattr("audit.views.ROUTES_SHOWN", 1)
    for name, delivered in (("A little short", 4), ("Very short", 1)):
        route_that_delivered(world, produce, name, delivered)
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"))
    assert [b.route.name for b in page.context["balances"]] == ["Very short"]
    assert "2 routes recorded a load-out; 2 of them beyond the tolerance" in page.text
    assert "1 smaller one is only in the CSV." in page.text


def test_the_printed_sheet_is_of_the_period_and_hub_shown(client, world, worked_example):
    client.force_login(world.auditor.user)
    period = worked_example
    page = client.get(reverse("audit:home"), {"start": period.start, "end": period.end, "hub": world.hub.pk})
    [sheet_url] = re.findall(r'href="(/audit/sheet/\?[^"]*)"', page.text)
    sheet = client.get(sheet_url.replace("&amp;", "&"))
    assert (sheet.context["period"], sheet.context["hubs"]) == (period, [world.hub])
    assert f"{period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}" in sheet.text
    assert world.hub.name in sheet.text


def test_the_weekly_sheet_carries_the_chain_head(client, world, worked_example):
    client.force_login(world.auditor.user)
    sheet = client.get(reverse("audit:sheet"), {"start": worked_example.start, "end": worked_example.end})
    assert_clean_page(sheet)
    head = LedgerHead.objects.get(chapter=world.chapter)
    assert f"{head.sequence}:{head.hash}" in sheet.text
    assert "Checked by" in sheet.text
