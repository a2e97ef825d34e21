from django.contrib import admin

from deliveries.models import DeliveryLine, HouseholdReport, RouteLoad
from ledger.admin import LedgerAdmin

admin.site.register([DeliveryLine, HouseholdReport, RouteLoad], LedgerAdmin)
