from django.contrib import admin

from ledger.models import ChainCheck, LedgerHead
from mimac.admin import ReadOnlyAdmin


class LedgerAdmin(ReadOnlyAdmin):
    """The ledger is read here, never written: a correction is a new row, made in the app. Each app registers
    its own ledger models with it."""

    list_display = ["sequence", "__str__", "chapter", "recorded_by", "recorded_at"]
    list_filter = ["chapter"]
    list_select_related = ["chapter", "recorded_by"]
    ordering = ["chapter", "-sequence"]


admin.site.register(LedgerHead, ReadOnlyAdmin)
admin.site.register(ChainCheck, ReadOnlyAdmin)
