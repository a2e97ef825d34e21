"""The audit: reconciliation arithmetic, flags with exactly their rows, figures that cannot be inflated."""

import csv
import datetime
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliveries import audit, audit_views
from deliveries import services as deliveries_services
from deliveries.models import DeliveryLine, HouseholdReport, Route, RouteLoad
from hubdesk import services as hubdesk_services
from ledger import services as ledger
from ledger.models import ChainCheck, LedgerHead
from mimac.models import Category, Chapter, Hub
from pickups import services as pickups_services
from pickups.models import PickupLine
from tests.factories import make_chapter, make_household, make_hub, make_pickup, make_route, make_supplier
from tests.ledger.tampering import triggers_off
from tests.pages import assert_clean_page


@pytest.fixture
def produce(db):
    return Category.objects.get(name="Produce")


@pytest.fixture
def hygiene(db):
    return Category.objects.get(name="Hygiene products")


def _day(world, days):
    return world.chapter.today() + datetime.timedelta(days=days)


def _receive(world, days, lines, hub=None):
    pickup = make_pickup(world, days_ahead=days, hub=hub)
    pickups_services.record_done(
        pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=lines
    )
    return pickup


def _count(world, days, lines, hub=None):
    return hubdesk_services.record_count(
        hub=hub or world.hub, by=world.volunteer.user, date=_day(world, days), counted_by=world.coordinator.user,
        lines=lines,
    )  # fmt: skip


@pytest.fixture
def worked_example(world, produce, hygiene):
    """Ten days at one hub, worked out by hand below, with a correction in two of the flows."""
    by = world.volunteer.user
    _count(world, -10, [(produce, Decimal(100)), (hygiene, Decimal(20))])
    pickup = _receive(world, -9, [(produce, Decimal(60)), (hygiene, Decimal(10))])
    ledger.correct(pickup.lines.get(category=produce), by=world.coordinator.user, quantity=Decimal(50), reason="scale")
    household = make_household(world.chapter)
    route = make_route(world.chapter, world.hub, date=_day(world, -8), driver=by, households=[household],
                       status="published")  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 30)])
    handout = hubdesk_services.record_handout(
        hub=world.hub, by=by, date=_day(world, -7), lines=[(produce, Decimal(25)), (hygiene, Decimal(5))]
    )
    ledger.correct(handout.lines.get(category=produce), by=by, quantity=Decimal(20), reason="one bag went back")
    hubdesk_services.record_spoilage(
        hub=world.hub, by=by, date=_day(world, -7), category=produce, quantity=Decimal(10), reason="mould"
    )
    _count(world, -5, [(produce, Decimal(85)), (hygiene, Decimal(25))])
    # Outside the reconciliation: after the closing count, and at another hub.
    _receive(world, -4, [(produce, Decimal(999))])
    other_hub = Hub.objects.create(chapter=world.chapter, name="Annex", address="2 Elm St")
    hubdesk_services.record_handout(hub=other_hub, by=by, date=_day(world, -7), lines=[(produce, 77)])
    return audit.Period(_day(world, -9), _day(world, -3))


def test_the_reconciliation_matches_the_hand_worked_example(world, worked_example, produce, hygiene):
    [result] = audit.Audit(world.chapter, [world.hub], worked_example).reconciliations

    assert (result.first, result.last) == (_day(world, -9), _day(world, -5))
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
    import re

    pattern = rf'href="(/audit/rows/\?[^"]*what={what}[^"]*)"'
    for url in re.findall(pattern, page.text):
        url = url.replace("&amp;", "&")
        if f"category={category.pk}&" in url + "&":
            return url
    raise AssertionError(f"no link to the {what} rows of {category}")


def test_a_household_served_twice_in_a_week_counts_once(world, produce):
    by = world.volunteer.user
    household, other = make_household(world.chapter, size=4), make_household(world.chapter, size=2)
    route = make_route(world.chapter, world.hub, driver=by, households=[household, other], status="published")
    for stop in route.stops.all():
        deliveries_services.record_stop(stop=stop, by=by, outcome="delivered", lines=[(produce, 3)])
    today = world.chapter.today()
    for _ in range(2):
        hubdesk_services.record_handout(hub=world.hub, by=by, date=today, lines=[(produce, 1)], household=household)
    hubdesk_services.record_handout(hub=world.hub, by=by, date=today, lines=[(produce, 1)], people=3)

    served = audit.served(world.chapter, [world.hub], audit.Period(today, today))
    assert (served.households, served.people_in_households, served.walk_in_people, served.people) == (2, 6, 3, 9)


def test_the_planted_problems_of_the_demo_are_flagged_with_exactly_their_rows(client, db):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    period = audit.Period(today - datetime.timedelta(days=14), today)
    client.force_login(chapter.memberships.get(user__username="auditor").user)

    route = Route.objects.get(chapter=chapter, name="Eastside morning", date=today - datetime.timedelta(days=7))
    report = audit.Audit(chapter, chapter.hubs.all(), period)
    flagged = audit.with_routes([b for b in report.route_balances if b.flagged])
    assert [(b.route, b.category.name, b.carried, b.delivered) for b in flagged] == [(route, "Produce", 10, 15)]
    behind = _rows(client, period, what="route", route=route.pk)
    expected = [*RouteLoad.objects.filter(route=route), *DeliveryLine.objects.filter(stop__route=route)]
    assert sorted(row["url"] for row in behind) == sorted(_ledger_url(row) for row in expected)

    report = HouseholdReport.objects.get(household__chapter=chapter, kind="nothing")
    assert report.household == route.stops.get(sequence=1).household
    assert [row["url"] for row in _rows(client, period, what="contradicted")] == [_ledger_url(report)]

    [reconciliation] = audit.Audit(chapter, [hub], period).reconciliations
    assert [(line.category.name, line.share) for line in reconciliation.flagged] == [("Produce", Decimal("-12.0"))]
    closing = reconciliation.closing_count
    counted = _rows(client, period, what="count", count=closing.pk, hub=hub.pk)
    assert sorted(row["url"] for row in counted) == sorted(_ledger_url(line) for line in closing.lines.all())


def _rows(client, period, **params):
    response = client.get(reverse("audit:rows"), {"chapter": "RIV", "start": period.start, "end": period.end, **params})
    return response.context["rows"]


def _ledger_url(row):
    return reverse("ledger:entry", args=[row._meta.model_name, row.pk])


def test_bad_periods_and_unknown_hubs_get_clear_messages(client, world):
    client.force_login(world.auditor.user)
    url = reverse("audit:home")
    backwards = client.get(url, {"start": "2026-11-10", "end": "2026-11-01"})
    assert "The period ends before it starts." in backwards.text
    decade = client.get(url, {"start": "2016-01-01", "end": "2026-01-01"})
    assert "Choose a period of at most a year; this one is 3,654 days." in decade.text
    unknown = client.get(url, {"hub": "999"})
    assert "There is no hub 999 among your chapters&#x27; hubs." in unknown.text
    other = client.get(url, {"hub": world.other_hub.pk})
    assert "There is no hub" in other.text, "another chapter's hub is unknown here"
    not_a_date = client.get(url, {"start": "yesterday"})
    assert "Enter a valid date." in not_a_date.text
    for response in (backwards, decade, unknown, other, not_a_date):
        assert response.status_code == 200
        assert "reconciliations" not in response.context
    rows = client.get(reverse("audit:rows"), {"start": "2026-11-10", "end": "2026-11-01", "what": "received"})
    assert "The period ends before it starts." in rows.text


def test_another_chapters_audit_is_not_shown(client, world):
    client.force_login(world.auditor.user)
    response = client.get(reverse("audit:home"), {"chapter": world.other_chapter.code})
    assert "reconciliations" not in response.context
    assert world.other_chapter.name not in response.text


def test_the_coalition_admin_sees_every_chapter(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("audit:home"), {"chapter": world.other_chapter.code})
    assert response.context["chapter"] == world.other_chapter
    assert world.chapter.name in response.text, "offered as a choice"


def test_nothing_can_be_posted_to_the_audit(client, world):
    client.force_login(world.auditor.user)
    for name in ("audit:home", "audit:rows", "audit:sheet"):
        assert client.post(reverse(name)).status_code == 405


def test_an_auditor_cannot_write_to_the_ledger(client, world, produce):
    client.force_login(world.auditor.user)
    hub = world.hub.pk
    data = {"date": world.chapter.today().isoformat(), "people": "1", f"category_{produce.pk}": "5"}
    assert client.post(reverse("hubdesk:desk", args=[hub]), data).status_code == 403
    assert client.post(reverse("hubdesk:spoilage", args=[hub]), data).status_code == 403
    assert client.post(reverse("hubdesk:count", args=[hub]), data).status_code == 403
    pickup = _receive(world, 0, [(produce, Decimal(5))])
    assert client.post(reverse("pickups:pickup_check", args=[pickup.pk]), data).status_code == 403
    line = pickup.lines.get()
    correction = {"quantity": "1", "reason": "x"}
    assert client.post(reverse("ledger:entry", args=["pickupline", line.pk]), correction).status_code == 403
    assert LedgerHead.objects.get(chapter=world.chapter).sequence == 1


def test_the_audit_runs_the_same_queries_for_a_week_and_a_year(client, world, worked_example):
    client.force_login(world.auditor.user)
    today = world.chapter.today()

    def queries(days):
        start = today - datetime.timedelta(days=days - 1)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit:home"), {"start": start, "end": today}).status_code == 200
        return len(captured)

    assert queries(7) == queries(365)


def test_the_csv_exports_are_escaped_against_formulas(client, world, produce):
    supplier = make_supplier(world.chapter, '=HYPERLINK("http://evil.example")')
    pickup = make_pickup(world, days_ahead=-1, supplier=supplier)
    pickups_services.record_done(
        pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=[(produce, Decimal(7))]
    )
    client.force_login(world.auditor.user)
    response = client.get(reverse("audit:home"), {"csv": "rescued"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["supplier", "month", "category", "unit", "received"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][4] == "7.00"
    for table in ("reconciliation", "routes", "distributed", "weekly"):
        assert client.get(reverse("audit:home"), {"csv": table})["Content-Type"].startswith("text/csv")
    rows_csv = client.get(reverse("audit:rows"), {"what": "received", "csv": "1"})
    assert rows_csv["Content-Disposition"].startswith("attachment;")


def test_a_route_that_delivered_more_than_it_carried_is_flagged_with_its_volunteers(client, world, produce):
    by = world.volunteer.user
    households = [make_household(world.chapter, name=f"H{n}") for n in range(3)]
    route = make_route(world.chapter, world.hub, driver=by, households=households, status="published")
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=10,
                             countersigned_by=world.coordinator.user, recorded_by=by)  # fmt: skip
    RouteLoad.objects.create(route=route, direction="back", category=produce, quantity=1, recorded_by=by)
    for stop in route.stops.all():
        deliveries_services.record_stop(stop=stop, by=by, outcome="delivered", lines=[(produce, 4)])
    [balance] = audit.Audit(world.chapter, [world.hub], audit.Period(route.date, route.date)).route_balances
    assert (balance.carried, balance.delivered, balance.unaccounted, balance.flagged) == (9, 12, -3, True)
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"))
    assert "Volunteer" in page.text or by.username in page.text
    rows = client.get(reverse("audit:rows"), {"what": "route", "route": route.pk}).context["rows"]
    assert len(rows) == 2 + 3, "two loads and three delivered lines"


def test_each_kind_of_flag_finds_its_case(world, produce):
    by, today = world.volunteer.user, world.chapter.today()
    period = audit.Period(today - datetime.timedelta(days=3), today)
    ended = make_household(world.chapter, status="ended", status_since=today - datetime.timedelta(days=10))
    hubdesk_services.record_handout(hub=world.hub, by=by, date=today, lines=[(produce, 2)], household=ended)
    empty = make_pickup(world)
    pickups_services.record_done(pickup=empty, by=by, arrived_at=empty.window_starts_at, lines=[])
    received = _receive(world, -1, [(produce, Decimal(20))])
    hubdesk_services.record_spoilage(hub=world.hub, by=by, date=today, category=produce, quantity=7, reason="mould")
    ledger.correct(received.lines.get(), by=world.coordinator.user, quantity=Decimal(40), reason="second crate")
    household = make_household(world.chapter)
    route = make_route(world.chapter, world.hub, driver=by, households=[household], status="published")
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 3)])
    ledger.correct(route.stops.get().delivered_lines.get(), by=world.coordinator.user, quantity=0, reason="kept it")

    report = audit.Audit(world.chapter, [world.hub], period)
    found = {kind: list(report.flag_rows(kind)) for kind in audit.FLAGS}
    assert found["ended_household"][0].household == ended
    assert found["pickup_without_lines"] == [empty]
    assert [row.quantity for row in found["spoilage_share"]] == [7], "7 of 40 received is beyond 15%"
    assert sorted(row.quantity for row in found["large_correction"]) == [0, 40], "3 to 0 delivered, 20 to 40 received"
    assert [stop.household for stop in found["delivered_nothing"]] == [household]
    assert found["contradicted"] == []


def test_the_chain_is_flagged_until_verified_and_when_broken(client, world, produce):
    _receive(world, 0, [(produce, Decimal(5))])
    client.force_login(world.auditor.user)
    assert "never been verified" in client.get(reverse("audit:home")).text
    call_command("verify_ledger", stdout=io.StringIO())
    assert "The ledger chain held when last verified" in client.get(reverse("audit:home")).text
    with triggers_off(PickupLine), connection.cursor() as cursor:
        cursor.execute("UPDATE pickups_pickupline SET quantity = 50")
    with pytest.raises(Exception, match="broken"):
        call_command("verify_ledger", stdout=io.StringIO())
    assert "did not verify" in client.get(reverse("audit:home")).text


def test_the_weekly_sheet_carries_the_chain_head(client, world, worked_example):
    client.force_login(world.auditor.user)
    sheet = client.get(reverse("audit:sheet"), {"start": worked_example.start, "end": worked_example.end})
    assert_clean_page(sheet)
    head = LedgerHead.objects.get(chapter=world.chapter)
    assert f"{head.sequence}:{head.hash}" in sheet.text
    assert "Checked by" in sheet.text


def test_rescued_per_supplier_and_month_adds_up_one_unit_and_links_each_month_to_its_rows(
    client, world, produce, hygiene
):
    bakery = make_supplier(world.chapter, "Corner Bakery")
    today = world.chapter.today()
    this_month, last_month = today.replace(day=1), (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    bread = Category.objects.get(name="Bakery")
    for day, lines in ((this_month, [(produce, 4), (bread, 6), (hygiene, 3)]), (last_month, [(produce, 9)])):
        pickup = make_pickup(world, days_ahead=(day - today).days, supplier=bakery)
        pickups_services.record_done(pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at,
                                     lines=[(category, Decimal(q)) for category, q in lines])  # fmt: skip
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:rescued"), {"start": last_month, "end": today})
    assert_clean_page(page)
    rows = {row["name"] + " " + row["unit"]: dict(row["cells"]) for row in page.context["page"]}
    pounds = {month[0]: total for month, total in rows["Corner Bakery lb"].items()}
    assert pounds == {last_month: 9, this_month: 10}, "produce and bread added up: both in pounds"
    assert {month[0]: total for month, total in rows["Corner Bakery item"].items()} == {last_month: None, this_month: 3}
    links = [url.replace("&amp;", "&") for url in re.findall(r'href="(/audit/rows/\?[^"]*)"', page.text)]
    [items_link] = [url for url in links if "unit=item" in url]
    listed = client.get(items_link).context["rows"]
    assert [(row["quantity"], row["unit"]) for row in listed] == [(Decimal(3), "item")]


def _route_that_delivered(world, produce, name, delivered):
    """A route with one stop that took 5 of produce out and delivered `delivered`."""
    by = world.volunteer.user
    route = make_route(world.chapter, world.hub, driver=by, households=[make_household(world.chapter)],
                       status="published", name=name)  # fmt: skip
    RouteLoad.objects.create(route=route, direction="out", category=produce, quantity=5,
                             countersigned_by=world.coordinator.user, recorded_by=by)  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, delivered)])


def test_the_audit_lists_only_the_routes_that_do_not_balance_and_counts_the_rest(client, world, produce):
    for name, delivered in (("Balanced", 5), ("Short", 2)):
        _route_that_delivered(world, produce, name, delivered)
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"))
    assert "2 routes recorded a load-out; 1 of them beyond the tolerance" in page.text
    assert [b.route.name for b in page.context["balances"]] == ["Short"]
    every_route = client.get(reverse("audit:home"), {"csv": "routes"}).content.decode()
    assert [row[0] for row in csv.reader(io.StringIO(every_route))][1:] == ["Balanced", "Short"]


def test_the_audit_shows_the_largest_route_differences_first_and_says_what_it_left_to_the_csv(
    client, world, produce, monkeypatch
):
    monkeypatch.setattr(audit_views, "ROUTES_SHOWN", 1)
    for name, delivered in (("A little short", 4), ("Very short", 1)):
        _route_that_delivered(world, produce, name, delivered)
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"))
    assert [b.route.name for b in page.context["balances"]] == ["Very short"]
    assert "2 routes recorded a load-out; 2 of them beyond the tolerance" in page.text
    assert "1 smaller one is only in the CSV." in page.text


def _a_day_of_everything(world, produce, count):
    """`count` each of: pickups counted again with a difference, unbalanced routes, handouts (to walk-ins and to a
    household) and spoilage."""
    by, checker = world.volunteer.user, world.coordinator.user
    for n in range(count):
        pickup = _receive(world, -1, [(produce, Decimal(10))])
        pickups_services.check_intake(pickup=pickup, by=checker, lines=[(produce, Decimal(9))])
        _route_that_delivered(world, produce, f"Route {count}-{n}", 1)
        hubdesk_services.record_handout(hub=world.hub, by=by, date=_day(world, 0), lines=[(produce, 1)], people=2)
        hubdesk_services.record_handout(hub=world.hub, by=by, date=_day(world, 0), lines=[(produce, 1)],
                                           household=make_household(world.chapter, name=f"H{count}-{n}"))  # fmt: skip
        hubdesk_services.record_spoilage(hub=world.hub, by=by, date=_day(world, 0), category=produce,
                                            quantity=Decimal(1), reason="mould")  # fmt: skip


@pytest.mark.parametrize("page", ["audit:home", "audit:rescued", "audit:sheet"])
def test_the_audit_pages_run_the_same_queries_for_1_and_25_of_every_row(client, world, produce, page):
    client.force_login(world.auditor.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(page)).status_code == 200
        return len(captured)

    _a_day_of_everything(world, produce, 1)
    one = queries()
    _a_day_of_everything(world, produce, 24)
    assert queries() == one
    home = client.get(reverse("audit:home"))
    assert home.context["route_flags"] == 25, "every row above is there to be counted"
    assert {flag["kind"]: flag["count"] for flag in home.context["flags"]}["intake_differs"] == 25


def test_the_rows_behind_a_figure_run_the_same_queries_for_1_and_25_rows(client, world, produce):
    client.force_login(world.auditor.user)

    def queries(what):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("audit:rows"), {"what": what})
        return len(captured), len(response.context["rows"])

    _a_day_of_everything(world, produce, 1)
    counts = {what: queries(what) for what in ("received", "delivered", "handed_out", "intake_differs", "spoiled")}
    _a_day_of_everything(world, produce, 24)
    for what, (one, rows) in counts.items():
        assert queries(what) == (one, rows * 25), what


@pytest.mark.parametrize("what", ["received\r\nSet-Cookie: sessionid=x", 'received"; filename="evil.exe', "nonsense"])
def test_an_odd_what_never_reaches_the_csv_file_name(client, world, what):
    client.force_login(world.auditor.user)
    response = client.get(reverse("audit:rows"), {"what": what, "csv": "1"})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="mimac-audit-rows-\d{4}-\d\d-\d\d\.csv"', disposition)


def _table(page) -> list[dict]:
    """The rows of the page's table, each a dict of its header's names to its cells' text."""
    [table] = re.findall(r"<table.*?</table>", page.text, re.S)
    cells = [
        [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    return [dict(zip(cells[0], row, strict=False)) for row in cells[1:]]


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_every_row_behind_a_figure_shows_its_date_hub_and_household_on_the_page_and_in_the_csv(client, world, produce):
    by, hub = world.volunteer.user, world.hub.name
    _receive(world, -2, [(produce, Decimal(20))])
    delivered_to, handed_to = make_household(world.chapter), make_household(world.chapter, name="Bilal")
    route = make_route(world.chapter, world.hub, date=_day(world, -1), driver=by, households=[delivered_to],
                       status="published")  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 3)])
    hubdesk_services.record_handout(hub=world.hub, by=by, date=_day(world, -1), lines=[(produce, 2)],
                                       household=handed_to)  # fmt: skip
    hubdesk_services.record_handout(hub=world.hub, by=by, date=_day(world, 0), lines=[(produce, 1)], people=3)
    hubdesk_services.record_spoilage(hub=world.hub, by=by, date=_day(world, 0), category=produce, quantity=4,
                                        reason="mould")  # fmt: skip
    client.force_login(world.auditor.user)
    day = {n: _day(world, n).isoformat() for n in (-2, -1, 0)}
    expected = {
        "received": [(day[-2], hub, "")],
        "delivered": [(day[-1], hub, delivered_to.code)],
        "handed_out": [(day[0], hub, "walk-in, 3 people"), (day[-1], hub, handed_to.code)],
        "spoiled": [(day[0], hub, "")],
    }
    for what, rows in expected.items():
        params = {"what": what, "start": day[-2], "end": day[0]}
        page = client.get(reverse("audit:rows"), params)
        shown = sorted((row["Date"], row.get("Hub"), row.get("Household")) for row in _table(page))
        assert shown == sorted(rows), f"{what} on the page"
        listed = _csv_rows(client.get(reverse("audit:rows"), {**params, "csv": "1"}))
        assert sorted((row["Date"], row.get("Hub"), row.get("Household")) for row in listed) == sorted(rows), what


def test_times_are_in_the_chapters_zone_on_the_audit_its_csv_and_the_rows_own_page(client, world, produce):
    """20:30 UTC on 10 November is 10:30 in Honolulu (and 15:30 in Detroit, the server's default zone)."""
    world.chapter.time_zone = "Pacific/Honolulu"
    world.chapter.save()
    recorded = datetime.datetime(2026, 11, 10, 20, 30, tzinfo=datetime.UTC)
    with time_machine.travel(recorded, tick=False):
        handout = hubdesk_services.record_handout(
            hub=world.hub, by=world.volunteer.user, date=world.chapter.today(), lines=[(produce, 2)], people=2
        )
        ChainCheck.objects.create(chapter=world.chapter, rows=1, head="0" * 64, problem="row 1 was changed")
        params = {"chapter": "RIV", "what": "handed_out", "start": "2026-11-10", "end": "2026-11-10"}
        for user in (world.auditor.user, world.admin):  # a coalition admin's chapters span zones
            client.force_login(user)
            [row] = _table(client.get(reverse("audit:rows"), params))
            [line] = _csv_rows(client.get(reverse("audit:rows"), {**params, "csv": "1"}))
            assert (row["Recorded at"], line["Recorded at"]) == ("2026-11-10 10:30", "2026-11-10 10:30"), user
            own_page = client.get(reverse("ledger:entry", args=["handoutline", handout.lines.get().pk]))
            assert "2026-11-10 10:30" in own_page.text, user
            home = client.get(reverse("audit:home"), {"chapter": "RIV", "start": "2026-11-10", "end": "2026-11-10"})
            assert "did not verify on 2026-11-10 10:30" in home.text, user


def test_the_audit_opens_on_the_last_complete_month_with_data(client, world, produce):
    """On 2 December, November is the last complete month: this month so far holds almost nothing yet."""
    by = world.volunteer.user
    riverside, northgate = world.chapter, world.other_chapter
    newcomers = make_chapter("Lakeside Pantry Network", "LPN")
    make_hub(newcomers, "Lake Hall")
    second_of_december = datetime.datetime(2026, 12, 2, 10, tzinfo=zoneinfo.ZoneInfo(riverside.time_zone))
    with time_machine.travel(second_of_december, tick=False):
        ended = make_household(riverside, status="ended", status_since=datetime.date(2026, 10, 1))
        hubdesk_services.record_handout(hub=world.hub, by=by, date=datetime.date(2026, 11, 20),
                                           lines=[(produce, 2)], household=ended)  # fmt: skip
        hubdesk_services.record_handout(hub=world.hub, by=by, date=datetime.date(2026, 12, 1), lines=[(produce, 1)])
        # Northgate's last complete month with data is October: November holds nothing but a planned pickup.
        hubdesk_services.record_spoilage(hub=world.other_hub, by=by, date=datetime.date(2026, 10, 9),
                                            category=produce, quantity=3, reason="mould")  # fmt: skip
        make_pickup(world, days_ahead=-20, chapter=northgate, hub=world.other_hub)

        client.force_login(world.auditor.user)
        page = client.get(reverse("audit:home"))
        assert page.context["period"] == audit.Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
        assert {flag["kind"]: flag["count"] for flag in page.context["flags"]}["ended_household"] == 1
        client.force_login(world.admin)
        opened = {code: client.get(reverse("audit:home"), {"chapter": code}).context["period"]
                  for code in ("NGF", "LPN")}  # fmt: skip
        assert opened["NGF"] == audit.Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
        assert opened["LPN"] == audit.Period(datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)), "nothing yet"


def test_the_printed_sheet_is_of_the_period_and_hub_shown(client, world, worked_example):
    client.force_login(world.auditor.user)
    period = worked_example
    page = client.get(reverse("audit:home"), {"start": period.start, "end": period.end, "hub": world.hub.pk})
    [sheet_url] = re.findall(r'href="(/audit/sheet/\?[^"]*)"', page.text)
    sheet = client.get(sheet_url.replace("&amp;", "&"))
    assert (sheet.context["period"], sheet.context["hubs"]) == (period, [world.hub])
    assert f"{period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}" in sheet.text
    assert world.hub.name in sheet.text


def _one_of_every_flag(world, produce, n):
    by, today = world.volunteer.user, world.chapter.today()
    ended = make_household(world.chapter, name=f"Ended {n}", status="ended", status_since=_day(world, -10))
    hubdesk_services.record_handout(hub=world.hub, by=by, date=today, lines=[(produce, 2)], household=ended)
    empty = make_pickup(world)
    pickups_services.record_done(pickup=empty, by=by, arrived_at=empty.window_starts_at, lines=[])
    received = _receive(world, -1, [(produce, Decimal(20))])
    ledger.correct(received.lines.get(), by=world.coordinator.user, quantity=Decimal(40), reason="second crate")
    hubdesk_services.record_spoilage(hub=world.hub, by=by, date=today, category=produce, quantity=7, reason="mould")
    household = make_household(world.chapter, name=f"Nothing {n}")
    route = make_route(world.chapter, world.hub, driver=by, households=[household, ended], status="published",
                       name=f"Route {n}")  # fmt: skip
    for stop in route.stops.all():
        deliveries_services.record_stop(stop=stop, by=by, outcome="delivered", lines=[(produce, 3)])
    ledger.correct(route.stops.get(household=household).delivered_lines.get(), by=by, quantity=0, reason="kept")
    HouseholdReport.objects.create(household=household, date=today, kind="nothing", via="phone", recorded_by=by)


def test_the_rows_behind_every_flag_run_the_same_queries_for_1_and_25_rows(client, world, produce):
    client.force_login(world.auditor.user)

    def queries():
        found = {}
        for what in audit.FLAGS:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse("audit:rows"), {"what": what})
            found[what] = (len(captured), len(response.context["rows"]))
        return found

    _one_of_every_flag(world, produce, 0)
    one = queries()
    assert all(rows for what, (_queries, rows) in one.items() if not what.startswith("intake")), one
    for n in range(1, 25):
        _one_of_every_flag(world, produce, n)
    assert {what: found[0] for what, found in queries().items()} == {what: found[0] for what, found in one.items()}


def test_the_rows_behind_served_and_a_quantity_say_person_people_and_the_units_label(client, world, produce):
    by = world.volunteer.user
    alone = make_household(world.chapter, size=1)
    route = make_route(world.chapter, world.hub, driver=by, households=[alone], status="published")
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 3)])
    client.force_login(world.auditor.user)
    today = world.chapter.today().isoformat()
    period = {"start": today, "end": today}

    served = client.get(reverse("audit:rows"), {**period, "what": "served"})
    delivered = client.get(reverse("audit:rows"), {**period, "what": "delivered"})

    assert [(row["quantity"], row["unit"]) for row in served.context["rows"]] == [(1, "person")]
    assert [row["unit"] for row in delivered.context["rows"]] == [produce.get_unit_display()]
