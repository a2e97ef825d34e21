from django.contrib import admin

from ledger.admin import LedgerAdmin
from pickups.models import IntakeCheck, IntakeCheckLine, PickupLine

admin.site.register([PickupLine, IntakeCheck, IntakeCheckLine], LedgerAdmin)
