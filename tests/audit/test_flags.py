"""The audit's flags: each finds its case, and lists exactly its rows; the ledger chain's flag."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.flags import FLAGS, flag_rows
from audit.queries import Audit, Period
from deliveries import services as deliveries_services
from deliveries.models import HouseholdReport
from hubdesk import services as hubdesk_services
from ledger import services as ledger
from money import services as money_services
from money.models import Account, MoneySettings
from money.rules import balance_of
from pickups import services as pickups_services
from pickups.models import PickupLine
from tests.audit.recording import on_day, receive
from tests.factories import make_household, make_pickup, make_route
from tests.ledger.tampering import triggers_off


def test_each_kind_of_flag_finds_its_case(world, produce):
    by, today = world.volunteer.user, world.chapter.today()
    period = Period(today - datetime.timedelta(days=3), today)
    ended = make_household(world.chapter, status="ended", status_since=today - datetime.timedelta(days=10))
    hubdesk_services.record_handout(hub=world.hub, by=by, date=today, lines=[(produce, 2)], household=ended)
    empty = make_pickup(world)
    pickups_services.record_done(pickup=empty, by=by, arrived_at=empty.window_starts_at, lines=[])
    received = receive(world, -1, [(produce, Decimal(20))])
    hubdesk_services.record_spoilage(hub=world.hub, by=by, date=today, category=produce, quantity=7, reason="mould")
    ledger.correct(received.lines.get(), by=world.coordinator.user, quantity=Decimal(40), reason="second crate")
    household = make_household(world.chapter)
    route = make_route(world.chapter, world.hub, driver=by, households=[household], status="published")
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 3)])
    ledger.correct(route.stops.get().delivered_lines.get(), by=world.coordinator.user, quantity=0, reason="kept it")

    report = Audit(world.chapter, [world.hub], period)
    found = {kind: list(flag_rows(report, kind)) for kind in FLAGS}
    assert found["ended_household"][0].household == ended
    assert found["pickup_without_lines"] == [empty]
    assert [row.quantity for row in found["spoilage_share"]] == [7], "7 of 40 received is beyond 15%"
    assert sorted(row.quantity for row in found["large_correction"]) == [0, 40], "3 to 0 delivered, 20 to 40 received"
    assert [stop.household for stop in found["delivered_nothing"]] == [household]
    assert found["contradicted"] == []


def test_the_chain_is_flagged_until_verified_and_when_broken(client, world, produce):
    receive(world, 0, [(produce, Decimal(5))])
    client.force_login(world.auditor.user)
    assert "never been verified" in client.get(reverse("audit:home")).text
    call_command("verify_ledger", stdout=io.StringIO())
    assert "The ledger chain held when last verified" in client.get(reverse("audit:home")).text
    with triggers_off(PickupLine), connection.cursor() as cursor:
        cursor.execute("UPDATE pickups_pickupline SET quantity = 50")
    with pytest.raises(Exception, match="broken"):
        call_command("verify_ledger", stdout=io.StringIO())
    assert "did not verify" in client.get(reverse("audit:home")).text


def _one_of_every_flag(world, produce, n):
    by, today = world.volunteer.user, world.chapter.today()
    ended = make_household(world.chapter, name=f"Ended {n}", status="ended", status_since=on_day(world, -10))
    hubdesk_services.record_handout(hub=world.hub, by=by, date=today, lines=[(produce, 2)], household=ended)
    empty = make_pickup(world)
    pickups_services.record_done(pickup=empty, by=by, arrived_at=empty.window_starts_at, lines=[])
    received = receive(world, -1, [(produce, Decimal(20))])
    ledger.correct(received.lines.get(), by=world.coordinator.user, quantity=Decimal(40), reason="second crate")
    hubdesk_services.record_spoilage(hub=world.hub, by=by, date=today, category=produce, quantity=7, reason="mould")
    household = make_household(world.chapter, name=f"Nothing {n}")
    route = make_route(world.chapter, world.hub, driver=by, households=[household, ended], status="published",
                       name=f"Route {n}")  # fmt: skip
    for stop in route.stops.all():
        deliveries_services.record_stop(stop=stop, by=by, outcome="delivered", lines=[(produce, 3)])
    ledger.correct(route.stops.get(household=household).delivered_lines.get(), by=by, quantity=0, reason="kept")
    HouseholdReport.objects.create(household=household, date=today, kind="nothing", via="phone", recorded_by=by)
    _money_beyond_the_rules(world)


def _money_beyond_the_rules(world):
    """Spending by one person without a receipt, allowed when the thresholds were higher, and a count 5.00 short."""
    by, today = world.volunteer.user, world.chapter.today()
    MoneySettings.objects.update_or_create(chapter=world.chapter, defaults={"countersign_above": 100,
                                                                           "receipt_above": 100})  # fmt: skip
    world.chapter.__dict__.pop("_money_settings", None)
    box = Account.objects.filter(chapter=world.chapter).first() or money_services.open_account(
        chapter=world.chapter, by=by, name="Cash box", kind="cash", holds=Decimal(1000), date=today
    )
    money_services.record(account=box, by=by, kind="spending", purpose="fuel", amount=Decimal(10), date=today)
    money_services.count_cash(account=box, by=by, date=today, amount=balance_of(box) - 5, counted_by=by)
    MoneySettings.objects.filter(chapter=world.chapter).update(countersign_above=0, receipt_above=0)


def test_the_rows_behind_every_flag_run_the_same_queries_for_1_and_25_rows(client, world, produce):
    client.force_login(world.auditor.user)

    def queries():
        found = {}
        for what in FLAGS:
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
