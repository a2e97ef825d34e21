"""What money writes: each operation checks the whole row by the model's rules first and saves all or nothing.

A receipt's photo is a file as well as a row: it is written only once the money row has passed every check, and
removed again if the row still fails to save, so a refused row leaves nothing behind.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.services import CorrectionRefused, correct
from mimac.models import Chapter, Photo
from mimac.photos import CleanPhoto
from money.models import Account, CashCount, MoneyEntry

Kind, Direction = MoneyEntry.Kind, MoneyEntry.Direction
# The direction each kind of row moves money in; a transfer is one row out and one in.
DIRECTION_OF = dict.fromkeys(MoneyEntry.IN_KINDS, Direction.IN) | {Kind.SPENDING: Direction.OUT}
# What the chain gives a row as it is saved: not there to check before.
CHAINED = ["chapter", "sequence", "chain_hash"]


@transaction.atomic
def record(
    *,
    account: Account,
    by,
    kind: str,
    amount: Decimal,
    date: datetime.date,
    receipt_photo: CleanPhoto | None = None,
    **details,
) -> MoneyEntry:
    """Dues, a donation, other income, spending or a balance brought forward, into `account`. `details` are the
    kind's own fields: member and payers, donor_named_to and donor_name, purpose, countersigned_by, note."""
    entry = MoneyEntry(
        account=account, kind=kind, direction=DIRECTION_OF[kind], amount=amount, date=date, recorded_by=by, **details
    )
    if receipt_photo is not None:
        entry.receipt = Photo(chapter=account.chapter, image=receipt_photo, uploaded_by=by)
    entry.full_clean(exclude=CHAINED)
    _save_with_receipt(entry)
    return entry


def _save_with_receipt(entry: MoneyEntry) -> None:
    receipt = entry.receipt if entry.receipt_id is None else None
    try:
        if receipt is not None:
            receipt.save()
            entry.receipt = receipt
        entry.save()
    except BaseException:
        if receipt is not None and receipt.image.name:
            receipt.image.storage.delete(receipt.image.name)
        raise


@transaction.atomic
def transfer(
    *,
    source: Account,
    destination: Account,
    by,
    amount: Decimal,
    date: datetime.date,
    countersigned_by=None,
    note: str = "",
) -> tuple[MoneyEntry, MoneyEntry]:
    """Money moved between two of the chapter's accounts: a row out of one and a row into the other, linked."""
    if source.chapter_id != destination.chapter_id or source == destination:
        raise ValueError("A transfer moves money between two accounts of one chapter.")
    out = MoneyEntry(
        account=source, kind=Kind.TRANSFER, direction=Direction.OUT, amount=amount, date=date, recorded_by=by,
        countersigned_by=countersigned_by, note=note,
    )  # fmt: skip
    out.full_clean(exclude=CHAINED)
    out.save()
    into = MoneyEntry(
        account=destination, kind=Kind.TRANSFER, direction=Direction.IN, amount=amount, date=date, recorded_by=by,
        pair=out, note=note,
    )  # fmt: skip
    into.full_clean(exclude=CHAINED)
    into.save()
    return out, into


@transaction.atomic
def count_cash(*, account: Account, by, date: datetime.date, amount: Decimal, counted_by, note: str = "") -> CashCount:
    count = CashCount(account=account, date=date, amount=amount, counted_by=counted_by, recorded_by=by, note=note)
    count.full_clean(exclude=CHAINED)
    count.save()
    return count


@transaction.atomic
def correct_entry(entry: MoneyEntry, *, by, amount: Decimal, reason: str, countersigned_by=None) -> MoneyEntry:
    """A new row that replaces `entry` with another amount, and for a transfer its other half too; the rows as first
    written stay. Money going out is countersigned again, by whoever countersigns the correction."""
    signer = countersigned_by.pk if countersigned_by else None
    if entry.kind != Kind.TRANSFER:
        signed = signer if entry.direction == Direction.OUT else None
        return _correction(entry, by=by, reason=reason, amount=amount, countersigned_by_id=signed)
    out = entry if entry.direction == Direction.OUT else entry.pair
    new_out = _correction(out, by=by, reason=reason, amount=amount, countersigned_by_id=signer)
    new_into = _correction(out.paired, by=by, reason=reason, amount=amount, pair_id=new_out.pk)
    return new_out if entry.direction == Direction.OUT else new_into


def _correction(entry: MoneyEntry, *, by, reason: str, **changes) -> MoneyEntry:
    """Checked by the model's rules like a new row, then written by the ledger's `correct`. `changes` name fields by
    their columns (countersigned_by_id): the ledger copies the others that way."""
    if MoneyEntry.objects.filter(corrects=entry).exists():
        raise CorrectionRefused(_("This row was corrected already: correct the newest one."))
    copied = {f.attname: getattr(entry, f.attname) for f in MoneyEntry._meta.concrete_fields if f.name != "id"}
    trial = MoneyEntry(**copied)
    for name, value in {**changes, "corrects": entry, "correction_reason": reason, "recorded_by": by}.items():
        setattr(trial, name, value)
    trial.full_clean(exclude=CHAINED)
    return correct(entry, by=by, reason=reason, **changes)


@transaction.atomic
def correct_count(count: CashCount, *, by, amount: Decimal, reason: str) -> CashCount:
    if amount < 0:
        raise CorrectionRefused(_("A count is never below zero: count what is there."))
    return correct(count, by=by, reason=reason, amount=amount)


def erase_donor_name(entry: MoneyEntry) -> int:
    """Blank the donor's name on the row and every row of its correction chain (when the donor asks); how many."""
    rows = [row.pk for row in entry.history() if row.donor_name]
    return MoneyEntry.objects.filter(pk__in=rows).update(donor_name="")


def purge_donor_names(*, before: datetime.date, apply: bool) -> int:
    """Blank the names of donors who gave before `before`; a dry run unless `apply`. How many names."""
    named = MoneyEntry.objects.filter(date__lt=before).exclude(donor_name="")
    count = named.count()
    if apply:
        named.update(donor_name="")
    return count


def purge_for_retention(apply: bool) -> str:
    """The retention purge's line for donors' names (registered in `mimac.extensions.retention_purges`)."""
    before = timezone.localdate() - relativedelta(months=settings.DONOR_NAME_RETENTION_MONTHS)
    count = purge_donor_names(before=before, apply=apply)
    verb = "Erased" if apply else "Would erase (dry run; add --apply)"
    return f"{verb}: {count} donors' names of donations before {before}."


@transaction.atomic
def open_account(*, chapter: Chapter, by, name: str, kind: str, holds: Decimal, date: datetime.date) -> Account:
    """A new account and, when it already holds money, the balance brought forward into it."""
    account = Account(chapter=chapter, name=name, kind=kind)
    account.full_clean()
    account.save()
    if holds:
        record(account=account, by=by, kind=Kind.OPENING, amount=holds, date=date)
    return account
