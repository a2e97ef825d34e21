"""The ledger: every quantity that moves, written once, in one hash chain per chapter.

A row is never changed or deleted; a mistake is fixed by a new row that points at the one it corrects.
Each row carries the next number of its chapter's chain and a SHA-256 over a fixed text of its ledger
fields and the previous row's hash (`ledger.hashing`). Appending locks the chapter's `LedgerHead`
(SELECT … FOR UPDATE on PostgreSQL; SQLite runs every transaction in IMMEDIATE mode), so concurrent
writers take turns. `ledger.verification` recomputes a chain and names the first row where it breaks; the
database's own triggers (`ledger.triggers`) refuse to change or delete a row.

Free-text notes are outside the hash: the retention purge blanks them without breaking the chain.
"""

from operator import attrgetter

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.hashing import GENESIS, chained_values, link_hash


class LedgerIsAppendOnly(Exception):
    pass


class LedgerHead(models.Model):
    """The end of a chapter's chain: its last sequence number and hash. Locked while appending."""

    chapter = models.OneToOneField("mimac.Chapter", on_delete=models.PROTECT, primary_key=True, related_name="+")
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "mimac_ledgerhead"  # where it was made, before the ledger became an app

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
        db_table = "mimac_chaincheck"  # where it was made, before the ledger became an app
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self):
        return _("%(at)s %(rows)s rows: %(verdict)s") % {
            "at": f"{self.at:%Y-%m-%d %H:%M}",
            "rows": self.rows,
            "verdict": self.problem or _("holds"),
        }

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
        """Rows no later row corrects: the ones that count. The one way the code says so.

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
    # How the hash names the row's model, for good: its rows were hashed with it (a check holds every model to one).
    chain_label = ""

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
    # For rows of goods on a hub's shelves (received, loaded or brought back, handed out, spoiled, counted): the
    # lookup from the row to that hub, e.g. "pickup__hub". What a hub has held is read from these (ledger.queries).
    hub_lookup = ""

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
        return f"{self.quantity} {self.category.unit} {self.category.label}"


def named_in(app_label: str, constraints: list[models.BaseConstraint]) -> list[models.BaseConstraint]:
    """The bases' constraints as they are named in `app_label`. They name themselves after their model's app, so a
    ledger model that moves to another app keeps its old names with this: no migration renames them (on SQLite a
    rename remakes the table, and its triggers with it)."""
    named = []
    for constraint in constraints:
        constraint = constraint.clone()
        constraint.name = constraint.name.replace("%(app_label)s", app_label)
        named.append(constraint)
    return named


def ledger_models() -> list[type[LedgerEntry]]:
    """Every concrete ledger model, whichever app it lives in, in the order of their chain labels."""
    return sorted((m for m in apps.get_models() if issubclass(m, LedgerEntry)), key=attrgetter("chain_label"))


def model_of_kind(kind: str) -> type[LedgerEntry] | None:
    return next((m for m in ledger_models() if m._meta.model_name == kind), None)


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
            entry.chain_hash = head.hash = link_hash(head.hash, entry.chain_label, head.sequence, chained_values(entry))
        head.save(update_fields=["sequence", "hash", "updated_at"])
