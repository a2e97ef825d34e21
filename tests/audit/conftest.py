"""Fixtures of the audit's tests: two categories of different units, and a worked example."""

from decimal import Decimal

import pytest

from audit.queries import Period
from deliveries import services as deliveries_services
from hubdesk import services as hubdesk_services
from ledger import services as ledger
from mimac.models import Category, Hub
from tests.audit.recording import count_stock, on_day, receive
from tests.factories import make_household, make_route


@pytest.fixture
def produce(db):
    return Category.objects.get(code="produce")


@pytest.fixture
def hygiene(db):
    return Category.objects.get(code="hygiene-products")


@pytest.fixture
def worked_example(world, produce, hygiene):
    """Ten days at one hub, worked out by hand below, with a correction in two of the flows."""
    by = world.volunteer.user
    count_stock(world, -10, [(produce, Decimal(100)), (hygiene, Decimal(20))])
    pickup = receive(world, -9, [(produce, Decimal(60)), (hygiene, Decimal(10))])
    ledger.correct(pickup.lines.get(category=produce), by=world.coordinator.user, quantity=Decimal(50), reason="scale")
    household = make_household(world.chapter)
    route = make_route(world.chapter, world.hub, date=on_day(world, -8), driver=by, households=[household],
                       status="published")  # fmt: skip
    deliveries_services.record_stop(stop=route.stops.get(), by=by, outcome="delivered", lines=[(produce, 30)])
    handout = hubdesk_services.record_handout(
        hub=world.hub, by=by, date=on_day(world, -7), lines=[(produce, Decimal(25)), (hygiene, Decimal(5))]
    )
    ledger.correct(handout.lines.get(category=produce), by=by, quantity=Decimal(20), reason="one bag went back")
    hubdesk_services.record_spoilage(
        hub=world.hub, by=by, date=on_day(world, -7), category=produce, quantity=Decimal(10), reason="mould"
    )
    count_stock(world, -5, [(produce, Decimal(85)), (hygiene, Decimal(25))])
    # Outside the reconciliation: after the closing count, and at another hub.
    receive(world, -4, [(produce, Decimal(999))])
    other_hub = Hub.objects.create(chapter=world.chapter, name="Annex", address="2 Elm St")
    hubdesk_services.record_handout(hub=other_hub, by=by, date=on_day(world, -7), lines=[(produce, 77)])
    return Period(on_day(world, -9), on_day(world, -3))
