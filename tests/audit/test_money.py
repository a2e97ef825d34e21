"""The audit's money: each account's balance over the period against its counts, the money flags, every money row
as CSV, and the audit sheet carrying them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from money import services
from money.models import MoneyEntry
from tests.money.recording import set_money, spend, take_in
from tests.pages import without_bdi


@pytest.fixture
def month(world, books):
    """A period of ten days: money before it, in it (a correction, a transfer, a count 5.00 short) and after it."""
    set_money(world, receipt_above=Decimal(1000), cash_tolerance=Decimal(1))
    take_in(world, books.cash, "50", days=15)  # before the period
    take_in(world, books.cash, "20", kind="dues", member=world.volunteer.user, days=9)
    gift = take_in(world, books.bank, "90", days=8, donor_named_to="coordinators", donor_name="M. Okafor")
    services.correct_entry(gift, by=world.coordinator.user, amount=Decimal(80), reason="a note was counterfeit")
    spend(world, books.cash, "30", days=7, purpose="fuel")
    services.transfer(source=books.cash, destination=books.bank, by=world.coordinator.user, amount=Decimal(100),
                      date=_day(world, 6), countersigned_by=world.volunteer.user)  # fmt: skip
    services.count_cash(account=books.cash, by=world.volunteer.user, date=_day(world, 5), amount=Decimal(135),
                        counted_by=world.coordinator.user)  # fmt: skip
    take_in(world, books.cash, "7", days=1)  # after the period
    return {"start": _day(world, 10), "end": _day(world, 2)}


def _day(world, days_ago):
    return world.chapter.today() - datetime.timedelta(days=days_ago)


def test_each_account_is_reconciled_over_the_period_with_its_counts(client, world, month):
    client.force_login(world.auditor.user)
    page = client.get(reverse("audit:home"), month)
    balances = {balance.account.name: balance for balance in page.context["money_balances"]}
    cash, bank = balances["Cash box"], balances["Credit union"]
    assert (cash.opening, cash.came_in, cash.went_out, cash.closing) == (
        Decimal(250), Decimal(20), Decimal(130), Decimal(140),
    )  # fmt: skip
    assert (bank.opening, bank.came_in, bank.went_out, bank.closing) == (
        Decimal(1000), Decimal(180), Decimal(0), Decimal(1180),
    )  # fmt: skip
    [check] = cash.checks
    assert (check.expected, check.difference, check.flagged, cash.flagged) == (
        Decimal(140), Decimal(-5), True, True,
    )  # fmt: skip
    flags = {flag["kind"]: flag for flag in page.context["flags"]}
    assert flags["cash_count_differs"]["count"] == 1
    rows = client.get(flags["cash_count_differs"]["url"])
    assert [row["quantity"] for row in rows.context["rows"]] == [Decimal(135)]


def test_spending_without_a_receipt_or_a_countersign_beyond_todays_thresholds_is_flagged(client, world, books, month):
    set_money(world, countersign_above=Decimal(500))
    spend(world, books.cash, "40", days=4, purpose="supplies", countersigned_by=None)  # alone, under the old rules
    set_money(world, countersign_above=Decimal(0), receipt_above=Decimal(25))
    client.force_login(world.auditor.user)
    flags = {flag["kind"]: flag for flag in client.get(reverse("audit:home"), month).context["flags"]}
    assert (flags["money_no_receipt"]["count"], flags["money_not_countersigned"]["count"]) == (2, 1)
    listed = client.get(flags["money_not_countersigned"]["url"]).context["rows"]
    assert [(row["quantity"], row["by"]) for row in listed] == [(Decimal(-40), "Volunteer")]
    assert "Supplies" in listed[0]["what"]


def test_the_csv_of_every_money_row_keeps_corrected_rows_and_says_which_count(client, world, month):
    client.force_login(world.auditor.user)
    response = client.get(reverse("audit:home"), {**month, "csv": "money"})
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    in_period = MoneyEntry.objects.filter(chapter=world.chapter, date__range=(month["start"], month["end"]))
    assert len(table) == in_period.count() == 6, "dues, a donation and its correction, fuel, a transfer's halves"
    donation = [row for row in table if row["kind"] == "donation"]
    assert [(row["amount"], row["counts"], row["why corrected"]) for row in donation] == [
        ("90.00", "no", ""), ("80.00", "yes", "a note was counterfeit"),
    ]  # fmt: skip
    assert {row["who"] for row in donation} == {"M. Okafor"}, "named to coordinators and auditors: the audit's readers"
    assert {row["currency"] for row in table} == {"USD"}


def test_the_audit_sheet_carries_the_money_and_the_counts(client, world, month):
    client.force_login(world.auditor.user)
    sheet = client.get(reverse("audit:sheet"), month)
    assert "Money: each account against its counts" in sheet.text
    assert "counted 135.00 USD, the rows said 140.00 USD (-5.00 USD)" in without_bdi(sheet.text)


def test_the_audit_runs_the_same_queries_for_1_and_25_money_rows(client, world, books):
    set_money(world, receipt_above=Decimal(1000))
    client.force_login(world.auditor.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit:home")).status_code == 200
        return len(captured)

    def rows(count):
        for _ in range(count):
            take_in(world, books.cash, "10", kind="dues", member=world.volunteer.user)
            spend(world, books.cash, "3", purpose="fuel")
            services.count_cash(account=books.cash, by=world.volunteer.user, date=world.chapter.today(),
                                amount=Decimal(1), counted_by=world.coordinator.user)  # fmt: skip

    rows(1)
    one = queries()
    rows(24)
    assert queries() == one
