"""Fixtures of the money tests: Riverside's books, and how the app records into them."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from money import services
from money.models import MoneySettings


@pytest.fixture
def books(world):
    """Riverside's cash box (200.00 brought forward) and credit union account (1,000.00), opened 40 days ago;
    receipts needed above 25.00, every outflow countersigned (the default)."""
    MoneySettings.objects.create(chapter=world.chapter, receipt_above=Decimal(25))
    world.chapter.__dict__.pop("_money_settings", None)
    opened = world.chapter.today() - datetime.timedelta(days=40)
    by = world.coordinator.user
    cash = services.open_account(chapter=world.chapter, by=by, name="Cash box", kind="cash", holds=Decimal(200),
                                 date=opened)  # fmt: skip
    bank = services.open_account(chapter=world.chapter, by=by, name="Credit union", kind="bank", holds=Decimal(1000),
                                 date=opened)  # fmt: skip
    return SimpleNamespace(cash=cash, bank=bank, opened=opened)
