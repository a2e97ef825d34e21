from django.contrib import admin

from deliveries.models import (
    DeliveryLine,
    Handout,
    HandoutLine,
    HouseholdReport,
    RouteLoad,
    Spoilage,
    StockCount,
    StockCountLine,
)
from ledger.admin import LedgerAdmin

admin.site.register(
    [DeliveryLine, HouseholdReport, RouteLoad, Handout, HandoutLine, Spoilage, StockCount, StockCountLine], LedgerAdmin
)
