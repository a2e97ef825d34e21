from django.contrib import admin

from ledger.admin import LedgerAdmin
from mimac.admin import ReadOnlyAdmin
from money.models import Account, CashCount, MoneyEntry, MoneySettings


class MoneyEntryAdmin(LedgerAdmin):
    # A donor's name is shown only where the donor asked (money's own pages), not in the admin.
    exclude = ["donor_name"]


admin.site.register(MoneyEntry, MoneyEntryAdmin)
admin.site.register(CashCount, LedgerAdmin)
# Accounts and settings are a chapter's coordinators' to edit, in the app.
admin.site.register([Account, MoneySettings], ReadOnlyAdmin)
