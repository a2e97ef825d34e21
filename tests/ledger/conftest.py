from decimal import Decimal

import pytest

from deliveries import services as deliveries_services
from deliveries.models import HouseholdReport, RouteLoad
from hubdesk import services as hubdesk_services
from ledger.models import ledger_models
from mimac.models import Category
from money import services as money_services
from pickups import services as pickups_services
from tests.factories import make_household, make_pickup, make_route


@pytest.fixture
def produce(db):
    return Category.objects.get(code="produce")


@pytest.fixture
def every_kind(world, produce):
    """One row of every ledger model, written the way the app writes them."""
    volunteer, coordinator = world.volunteer.user, world.coordinator.user
    pickup = make_pickup(world)
    pickup.assignments.create(volunteer=volunteer)
    pickups_services.record_done(pickup=pickup, by=volunteer, arrived_at=pickup.window_starts_at, lines=[(produce, 40)])
    pickups_services.check_intake(pickup=pickup, by=coordinator, lines=[(produce, Decimal(38))])
    household = make_household(world.chapter)
    route = make_route(world.chapter, world.hub, driver=volunteer, households=[household], status="published")
    deliveries_services.record_stop(stop=route.stops.get(), by=volunteer, outcome="delivered", lines=[(produce, 9)])
    RouteLoad.objects.create(route=route, direction="back", category=produce, quantity=2, recorded_by=volunteer)
    report = {"date": route.date, "kind": "less", "via": "phone", "note": "said the bag tore"}
    HouseholdReport.objects.create(household=household, recorded_by=coordinator, **report)
    today = world.chapter.today()
    hub = world.hub
    hubdesk_services.record_handout(hub=hub, by=volunteer, date=today, lines=[(produce, 5)], household=household)
    hubdesk_services.record_spoilage(hub=hub, by=volunteer, date=today, category=produce, quantity=3, reason="mould")
    hubdesk_services.record_count(hub=hub, by=volunteer, date=today, counted_by=coordinator, lines=[(produce, 0)])
    cash = money_services.open_account(chapter=world.chapter, by=coordinator, name="Cash box", kind="cash", holds=0,
                                       date=today)  # fmt: skip
    money_services.count_cash(account=cash, by=volunteer, date=today, amount=Decimal(0), counted_by=coordinator)
    money_services.record(
        account=cash, by=volunteer, kind="donation", amount=Decimal("25.50"), date=today, donor_named_to="members",
        donor_name="Rosa's Bakery",
    )  # fmt: skip
    rows = {model: model.objects.first() for model in ledger_models()}
    assert all(rows.values()), [model for model, row in rows.items() if row is None]
    return rows
