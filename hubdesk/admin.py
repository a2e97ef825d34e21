from django.contrib import admin

from hubdesk.models import Handout, HandoutLine, Spoilage, StockCount, StockCountLine
from ledger.admin import LedgerAdmin

admin.site.register([Handout, HandoutLine, Spoilage, StockCount, StockCountLine], LedgerAdmin)
