"""The audit's pages: their choices and who sees what, figures that cannot be inflated, the rows behind a figure
and the CSV files, in the chapter's zone."""

import csv
import datetime
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from audit import figures
from audit.queries import Period
from deliveries import services as deliveries_services
from hubdesk import services as hubdesk_services
from ledger.models import ChainCheck, LedgerHead
from mimac.models import Category
from pickups import services as pickups_services
from tests.audit.recording import on_day, receive
from tests.factories import make_chapter, make_household, make_hub, make_pickup, make_route, make_supplier
from tests.pages import assert_clean_page


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
    pickup = receive(world, 0, [(produce, Decimal(5))])
    assert client.post(reverse("pickups:pickup_check", args=[pickup.pk]), data).status_code == 403
    line = pickup.lines.get()
    correction = {"quantity": "1", "reason": "x"}
    assert client.post(reverse("ledger:entry", args=["pickupline", line.pk]), correction).status_code == 403
    assert LedgerHead.objects.get(chapter=world.chapter).sequence == 1


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
        assert page.context["period"] == Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
        assert {flag["kind"]: flag["count"] for flag in page.context["flags"]}["ended_household"] == 1
        client.force_login(world.admin)
        opened = {code: client.get(reverse("audit:home"), {"chapter": code}).context["period"]
                  for code in ("NGF", "LPN")}  # fmt: skip
        assert opened["NGF"] == Period(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
        assert opened["LPN"] == Period(datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)), "nothing yet"


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

    served = figures.served(world.chapter, [world.hub], Period(today, today))
    assert (served.households, served.people_in_households, served.walk_in_people, served.people) == (2, 6, 3, 9)


def test_rescued_per_supplier_and_month_adds_up_one_unit_and_links_each_month_to_its_rows(
    client, world, produce, hygiene
):
    bakery = make_supplier(world.chapter, "Corner Bakery")
    today = world.chapter.today()
    this_month, last_month = today.replace(day=1), (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    bread = Category.objects.get(code="bakery")
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
    receive(world, -2, [(produce, Decimal(20))])
    delivered_to, handed_to = make_household(world.chapter), make_household(world.chapter, name="Bilal")
    route = make_route(world.chapter, world.hub, date=on_day(world, -1), driver=by, households=[delivered_to],
                       status="published")  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 3)])
    hubdesk_services.record_handout(hub=world.hub, by=by, date=on_day(world, -1), lines=[(produce, 2)],
                                       household=handed_to)  # fmt: skip
    hubdesk_services.record_handout(hub=world.hub, by=by, date=on_day(world, 0), lines=[(produce, 1)], people=3)
    hubdesk_services.record_spoilage(hub=world.hub, by=by, date=on_day(world, 0), category=produce, quantity=4,
                                        reason="mould")  # fmt: skip
    client.force_login(world.auditor.user)
    day = {n: on_day(world, n).isoformat() for n in (-2, -1, 0)}
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
