"""Writing to the ledger beyond a plain insert: a correction is a new, attributed row."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ledger.models import LedgerEntry


class CorrectionRefused(Exception):
    pass


# Fields a correction never copies from the row it corrects.
_OWN_FIELDS = {"id", "sequence", "chain_hash", "recorded_by", "recorded_at", "corrects", "correction_reason"}


def correct(entry: LedgerEntry, *, by, reason: str, **changes) -> LedgerEntry:
    """A new, attributed row that replaces `entry` with `changes`; `entry` stays as it was written."""
    model = type(entry)
    fields = {f.attname: getattr(entry, f.attname) for f in model._meta.concrete_fields if f.name not in _OWN_FIELDS}
    correction = model(**(fields | changes), corrects=entry, correction_reason=reason, recorded_by=by)
    try:
        with transaction.atomic():
            if model._base_manager.filter(corrects=entry).exists():
                raise CorrectionRefused(_("This row was corrected already: correct the newest one."))
            correction.save()
    except IntegrityError:  # someone else corrected it at the same moment
        raise CorrectionRefused(_("This row was corrected already: correct the newest one.")) from None
    return correction
