"""The money page every member sees: each figure equals the rows it links to, the balances and the month add up, the
printed statement carries the chain head, and the page costs the same queries for 1 row or 25."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledger.models import LedgerHead
from mimac.models import TrailEvent
from money import services
from tests.money.recording import set_money, spend, take_in
from tests.pages import assert_clean_page

FIGURE = re.compile(r'<a[^>]*href="(/money/RIV/rows/\?[^"]*)"[^>]*>\s*(?:<bdi>)?([-\d,.]+) USD(?:</bdi>)?\s*</a>')


@pytest.fixture
def season(world, books):
    """Last month and this month of Riverside's money, with a correction, a transfer and a count."""
    set_money(world, receipt_above=Decimal(1000))
    today = world.chapter.today()
    last_month = today.replace(day=1) - datetime.timedelta(days=10)
    take_in(world, books.cash, "60", kind="dues", payers=6, on=last_month)
    take_in(world, books.cash, "10", kind="dues", member=world.volunteer.user, on=last_month)
    take_in(world, books.cash, "25", on=last_month)
    take_in(world, books.bank, "300", on=last_month, donor_named_to="members", donor_name="Rosa's Bakery")
    spend(world, books.cash, "30", on=last_month)
    spend(world, books.bank, "400", purpose="rent", on=last_month)
    take_in(world, books.cash, "10", kind="dues", member=world.coordinator.user)
    slip = take_in(world, books.cash, "40")
    services.correct_entry(slip, by=world.coordinator.user, amount=Decimal(45), reason="counted again")
    take_in(world, books.bank, "18.20", kind="income", note="Deposit back on the van")
    spend(world, books.cash, "12.50", purpose="supplies")
    services.transfer(source=books.cash, destination=books.bank, by=world.coordinator.user, amount=Decimal(100),
                      date=today, countersigned_by=world.volunteer.user)  # fmt: skip
    return {"last_month": f"{last_month:%Y-%m}"}


def _figures(page) -> list[tuple[str, Decimal]]:
    return [(html.unescape(url), Decimal(amount.replace(",", ""))) for url, amount in FIGURE.findall(page.text)]


@pytest.mark.parametrize("month", ["this", "last"])
def test_every_figure_of_the_money_page_equals_the_rows_it_links_to(client, world, season, month):
    client.force_login(world.observing.user)  # every member sees it, observing ones too
    query = {"month": season["last_month"]} if month == "last" else {}
    page = client.get(reverse("money:home", args=["RIV"]), query)
    assert_clean_page(page)
    figures = _figures(page)
    assert len(figures) >= 8, figures
    for url, figure in figures:
        rows = client.get(url)
        listed = rows.context["rows"]
        came_in = sum((row["came_in"] or 0 for row in listed), Decimal(0))
        went_out = sum((row["went_out"] or 0 for row in listed), Decimal(0))
        assert (rows.context["came_in"], rows.context["went_out"]) == (came_in, went_out), url
        if "account=" in url:
            assert figure == came_in - went_out, url  # a balance: all the account's rows to that day
        else:
            assert 0 in (came_in, went_out), url  # a line is money in, or money out by purpose
            assert figure == came_in + went_out, url


def test_the_month_adds_up_from_what_was_held_to_what_is_held(client, world, season):
    client.force_login(world.volunteer.user)
    report = client.get(reverse("money:home", args=["RIV"])).context["report"]
    totals = report.totals
    assert report.held_at_month_start + totals["in_month"] - totals["out_month"] == report.held
    assert totals["in_month"] == Decimal("73.20"), "dues 10, the donation as corrected 45, the deposit back 18.20"
    assert totals["out_month"] == Decimal("12.50"), "the transfer is neither in nor out"
    held = {holding.account.name: holding.held for holding in report.holdings}
    assert held == {"Cash box": Decimal("207.50"), "Credit union": Decimal("1018.20")}


def test_the_printed_statement_names_no_one_and_carries_the_chain_head(client, world, season):
    client.force_login(world.volunteer.user)
    sheet = client.get(reverse("money:statement", args=["RIV"]), {"month": season["last_month"]})
    assert_clean_page(sheet)
    head = LedgerHead.objects.get(chapter=world.chapter)
    assert f"{head.sequence}:{head.hash}" in sheet.text
    text = sheet.text
    assert "Rosa" not in text, "a donor named to members is not named on paper posted at the hub"
    for member in (world.volunteer, world.coordinator):
        assert member.user.first_name not in text.replace("Riverside", "")
    assert "400.00 USD" in text, "last month's rent"


def test_a_month_not_yet_begun_shows_this_month(client, world, season):
    client.force_login(world.volunteer.user)
    next_year = f"{world.chapter.today().year + 1}-01"
    report = client.get(reverse("money:home", args=["RIV"]), {"month": next_year}).context["report"]
    assert report.month_start == world.chapter.today().replace(day=1)


def test_the_rows_download_as_csv_through_the_csv_module_and_the_download_is_in_the_trail(client, world, books, season):
    spend(world, books.cash, "5", purpose="other", note="=HYPERLINK(1)")
    client.force_login(world.volunteer.user)
    response = client.get(reverse("money:rows", args=["RIV"]), {"csv": "1"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = table[0], table[1:]
    assert header[:3] == ["sequence", "date", "account"]
    assert len(body) == client.get(reverse("money:rows", args=["RIV"])).context["page"].paginator.count
    assert "'=HYPERLINK(1)" in [row[header.index("note")] for row in body], "a formula is never run"
    assert TrailEvent.objects.filter(kind="exported", subject="money rows", actor=world.volunteer.user).exists()


def test_times_are_shown_where_the_chapter_is(client, world, books):
    world.chapter.time_zone = "Asia/Kolkata"
    world.chapter.save()
    row = take_in(world, books.cash, "5")
    client.force_login(world.volunteer.user)
    shown = client.get(reverse("money:rows", args=["RIV"])).context["rows"][0]["recorded_at"]
    assert shown == f"{row.recorded_at.astimezone(world.chapter.zone):%Y-%m-%d %H:%M}"


def _many(world, books, count):
    for _ in range(count):
        take_in(world, books.cash, "10", kind="dues", member=world.volunteer.user)
        take_in(world, books.bank, "5")
        spend(world, books.cash, "3", purpose="fuel")
        services.count_cash(account=books.cash, by=world.volunteer.user, date=world.chapter.today(),
                            amount=Decimal(1), counted_by=world.coordinator.user)  # fmt: skip


@pytest.mark.parametrize("page", ["money:home", "money:rows", "money:statement"])
def test_the_money_pages_run_the_same_queries_for_1_and_25_of_every_row(client, world, books, page):
    set_money(world, receipt_above=Decimal(1000))
    client.force_login(world.auditor.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(page, args=["RIV"])).status_code == 200
        return len(captured)

    _many(world, books, 1)
    one = queries()
    _many(world, books, 24)
    assert queries() == one
