"""The ledger: every quantity that moves, written once, in one hash chain per chapter.

A row is never changed or deleted; a mistake is fixed by a new row that points at the one it corrects.
Each row carries the next number of its chapter's chain and a SHA-256 over a fixed text of its ledger
fields and the previous row's hash. Appending locks the chapter's `LedgerHead` (SELECT … FOR UPDATE on
PostgreSQL; SQLite runs every transaction in IMMEDIATE mode), so concurrent writers take turns.
`verify` recomputes a chain and names the first row where it breaks.

Free-text notes are outside the hash: the retention purge blanks them without breaking the chain.
"""

import datetime
import hashlib
import heapq
import json
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import groupby
from operator import attrgetter

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64
CENTS = Decimal("0.01")


class LedgerIsAppendOnly(Exception):
    pass


class LedgerHead(models.Model):
    """The end of a chapter's chain: its last sequence number and hash. Locked while appending."""

    chapter = models.OneToOneField("mimac.Chapter", on_delete=models.PROTECT, primary_key=True, related_name="+")
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.sequence}:{self.hash}"


class ChainCheck(models.Model):
    """One run of `verify_ledger` over a chapter's chain: the audit shows the latest."""

    chapter = models.ForeignKey("mimac.Chapter", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveBigIntegerField()
    head = models.CharField(max_length=64)
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.rows} rows: {self.problem or 'holds'}"

    @property
    def ok(self) -> bool:
        return not self.problem


class LedgerQuerySet(models.QuerySet):
    """Inserts go through the chain; updates are refused, except blanking the unhashed free text."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.check_date()
        with transaction.atomic(using=self.db):
            chain(objs)
            return super().bulk_create(objs, *args, **kwargs)

    def update(self, **fields):
        if not set(fields) <= set(self.model.unhashed_fields):
            raise LedgerIsAppendOnly(f"{self.model._meta.label} rows are never changed: add a correction instead.")
        return super().update(**fields)

    def bulk_update(self, *args, **kwargs):
        raise LedgerIsAppendOnly(f"{self.model._meta.label} rows are never changed: add a correction instead.")

    def delete(self):
        raise LedgerIsAppendOnly(f"{self.model._meta.label} rows are never deleted: add a correction instead.")

    delete.queryset_only = True

    def newest(self):
        """Rows no later row corrects: the ones that count.

        NOT EXISTS rather than a left join: PostgreSQL plans it as an anti-join with sound row estimates; the
        redundant "corrects IS NOT NULL" lets it read the few corrections from the index instead of the table.
        """
        corrections = self.model._base_manager.filter(corrects=models.OuterRef("pk"), corrects__isnull=False)
        return self.filter(~models.Exists(corrections))


class LedgerEntry(models.Model):
    """A row of the supply and distribution ledger: written once, never changed or deleted.

    A mistake is fixed by a new entry that points at the one it corrects, with who and why; the
    newest entry of such a chain is the one that counts. `chain_fields` are hashed; every other
    field is either bookkeeping of the chain or listed in `unhashed_fields` (erasable free text).
    The chapter is never given: it is taken from `chapter_source`, so a row cannot join another chain.
    """

    chapter = models.ForeignKey("mimac.Chapter", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField(editable=False)
    chain_hash = models.CharField(max_length=64, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction", verbose_name=_("corrects")
    )
    correction_reason = models.CharField(_("why it is corrected"), max_length=200, blank=True)

    chain_fields = ("chapter_id", "recorded_by_id", "recorded_at", "corrects_id", "correction_reason")
    unhashed_fields = ()
    chapter_source = ""  # where the row's chapter comes from, e.g. "hub.chapter_id"

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="%(app_label)s_%(class)s_correction_says_why",
            ),
        ]
        indexes = [models.Index(fields=["chapter", "sequence"], name="%(class)s_chain")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly(f"{self._meta.label} rows are never changed: add a correction instead.")
        self.check_date()
        with transaction.atomic(using=kwargs.get("using")):
            chain([self])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly(f"{self._meta.label} rows are never deleted: add a correction instead.")

    def clean(self):
        super().clean()
        self.check_date()

    def check_date(self) -> None:
        """A row that never goes away must not carry a slip of the keyboard: its own date, where it has one, lies
        from its chapter's start to today where the chapter is. Rows without a date of their own belong to
        something dated (a pickup, a route, a handout); a correction repeats the date of the row it corrects."""
        day = getattr(self, "date", None)
        if day is None or (self.corrects_id is not None and day == self.corrects.date):
            return
        chapter = attrgetter(self.chapter_source.removesuffix("_id"))(self)
        chapter.check_dates(self, "date")

    def history(self) -> list:
        """This row and every row of its correction chain, oldest first."""
        first = self
        while first.corrects_id:
            first = type(self)._base_manager.get(pk=first.corrects_id)
        rows = [first]
        while (later := type(self)._base_manager.filter(corrects=rows[-1]).first()) is not None:
            rows.append(later)
        return rows


class QuantityEntry(LedgerEntry):
    """A ledger row of one category and a quantity in that category's unit."""

    category = models.ForeignKey("mimac.Category", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)

    chain_fields = (*LedgerEntry.chain_fields, "category_id", "quantity")

    class Meta(LedgerEntry.Meta):
        abstract = True
        ordering = ["category__name", "recorded_at"]
        constraints = [
            *LedgerEntry.Meta.constraints,
            # A correction may bring a quantity down to nothing; a first entry records something.
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(quantity=0, corrects__isnull=False),
                name="%(app_label)s_%(class)s_quantity_positive",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.category.unit} {self.category.name}"


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


def earliest_day(chapter) -> datetime.date | None:
    """The day of the chapter's earliest ledger row: a row's own date where it has one, else the day it was
    recorded, where the chapter is. None while the chapter has no rows."""
    days = []
    for model in ledger_models():
        rows = model._base_manager.filter(chapter=chapter)
        if any(field.name == "date" for field in model._meta.fields):
            days.append(rows.aggregate(first=models.Min("date"))["first"])
        else:
            first = rows.aggregate(first=models.Min("recorded_at"))["first"]
            days.append(first and first.astimezone(zoneinfo.ZoneInfo(chapter.time_zone)).date())
    return min((day for day in days if day), default=None)


def ledger_models() -> list[type[LedgerEntry]]:
    return sorted((m for m in apps.get_models() if issubclass(m, LedgerEntry)), key=lambda m: m._meta.label_lower)


def model_of_kind(kind: str) -> type[LedgerEntry] | None:
    return next((m for m in ledger_models() if m._meta.model_name == kind), None)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.quantize(CENTS, rounding=ROUND_HALF_EVEN), "f")
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def canonical(label: str, sequence: int, values: dict) -> str:
    """The fixed text a row's hash covers: its model, place in the chain and ledger fields, in order."""
    return json.dumps([label, sequence, [[name, _text(value)] for name, value in values.items()]], ensure_ascii=False)


def link_hash(previous: str, label: str, sequence: int, values: dict) -> str:
    return hashlib.sha256(f"{previous}\n{canonical(label, sequence, values)}".encode()).hexdigest()


def _values(entry: LedgerEntry) -> dict:
    values = {name: getattr(entry, name) for name in entry.chain_fields}
    if isinstance(values.get("quantity"), int | str | float):
        values["quantity"] = Decimal(str(values["quantity"]))
    return values


def lock_head(chapter_id: int) -> LedgerHead:
    LedgerHead.objects.get_or_create(chapter_id=chapter_id)
    return LedgerHead.objects.select_for_update().get(chapter_id=chapter_id)


def chain(entries: list[LedgerEntry]) -> None:
    """Give each new entry its chapter's next sequence number and hash. Call inside the insert's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Ledger rows are chained inside the transaction that inserts them.")
    for entry in entries:
        chapter_id = attrgetter(entry.chapter_source)(entry)
        if entry.chapter_id not in (None, chapter_id):
            raise ValueError(f"{entry._meta.label} joins the chain of the chapter its {entry.chapter_source} is in.")
        entry.chapter_id = chapter_id
    for chapter_id in sorted({entry.chapter_id for entry in entries}):  # one order of locking: no deadlocks
        head = lock_head(chapter_id)
        for entry in (e for e in entries if e.chapter_id == chapter_id):
            head.sequence += 1
            entry.sequence = head.sequence
            entry.chain_hash = head.hash = link_hash(head.hash, entry._meta.label_lower, head.sequence, _values(entry))
        head.save(update_fields=["sequence", "hash", "updated_at"])


@dataclass(frozen=True)
class Row:
    sequence: int
    label: str
    pk: int
    chain_hash: str
    values: dict

    def __str__(self):
        return f"{self.label} #{self.pk} (sequence {self.sequence})"

    def follows(self, previous_hash: str) -> bool:
        return self.chain_hash == link_hash(previous_hash, self.label, self.sequence, self.values)


@dataclass(frozen=True)
class Verdict:
    chapter_code: str
    rows: int
    head: str
    problem: str
    met_head: bool  # whether the head asked about is one of the chain's hashes

    @property
    def ok(self) -> bool:
        return not self.problem


def _rows(chapter_id: int):
    """Every ledger row of the chapter in chain order, streamed from each table and merged."""
    streams = [_rows_of(model, chapter_id) for model in ledger_models()]
    return heapq.merge(*streams, key=lambda row: (row.sequence, row.label, row.pk))


def _rows_of(model, chapter_id: int):
    label, fields = model._meta.label_lower, ["pk", "sequence", "chain_hash", *model.chain_fields]
    rows = model._base_manager.filter(chapter_id=chapter_id).order_by("sequence", "pk").values(*fields)
    for values in rows.iterator(chunk_size=2000):
        yield Row(values.pop("sequence"), label, values.pop("pk"), values.pop("chain_hash"), values)


def verify(chapter, head: str = "") -> Verdict:
    """Recompute the chapter's chain and check it ends at its stored head; note whether `head` is in it."""
    stored = LedgerHead.objects.filter(chapter=chapter).first() or LedgerHead(chapter=chapter)
    rows, last_hash, met_head, problem = _walk(chapter.pk, stored, head)
    if not problem and stored.sequence > rows:
        problem = f"The chain ends at sequence {rows} but its head says {stored.sequence}: rows deleted."
    elif not problem and stored.hash != last_hash:
        problem = "The chain's head does not match its last row."
    return Verdict(chapter.code, rows, last_hash, problem, met_head)


def _walk(chapter_id: int, stored: LedgerHead, head: str) -> tuple[int, str, bool, str]:
    """Follow the chain from its start: rows that hold, the last hash, whether `head` was met, the break."""
    previous, expected, seen_head = GENESIS, 1, False
    groups = groupby(_rows(chapter_id), key=lambda row: row.sequence)
    pending = next(groups, None)
    while pending is not None:
        sequence, rows = pending[0], list(pending[1])
        pending = next(groups, None)
        if sequence != expected:
            return expected - 1, previous, seen_head, f"Sequence {expected} is missing (deleted) before {rows[0]}."
        if sequence > stored.sequence:
            problem = f"{rows[0]} comes after the chain's head ({stored.sequence}): inserted in the database."
            return expected - 1, previous, seen_head, problem
        genuine, problem = _pick(rows, previous, pending, stored)
        if problem:
            return expected - 1, previous, seen_head, problem
        previous, expected = genuine.chain_hash, expected + 1
        seen_head = seen_head or (bool(head) and genuine.chain_hash.startswith(head))
    return expected - 1, previous, seen_head, ""


def _pick(rows: list[Row], previous: str, pending, stored: LedgerHead) -> tuple[Row | None, str]:
    """The row that belongs at this place in the chain, or why none does."""
    linked = [row for row in rows if row.follows(previous)]
    if not linked:
        return None, f"{rows[0]} does not match its hash: changed, or inserted, in the database."
    if len(rows) == 1:
        return rows[0], ""
    if len(linked) > 1:
        # Both fit the row before; the genuine one is what the next row (or the head) builds on.
        after = next(pending[1], None) if pending else None
        linked = [row for row in linked if (after.follows(row.chain_hash) if after else row.chain_hash == stored.hash)]
    intruder = next(row for row in rows if row not in linked[:1])
    return None, f"{intruder} shares sequence {rows[0].sequence} with another row: inserted in the database."
