"""The hub desk's rows of the ledger (walk-in handouts, spoilage and stock counts at a hub), and the library.

They were made in `deliveries` and moved here without touching a table (hubdesk/migrations/0001): each keeps
its table, the names of its constraints and indexes, and its chain label, the label its rows are hashed with.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.models import LedgerEntry, QuantityEntry, named_in
from mimac.models import Chapter, Hub, Photo, Versioned
from recipients.models import LANGUAGES, Household

MADE_IN = "deliveries"  # the app these models were made in: their tables and constraints are named after it


class Handout(LedgerEntry):
    """A walk-in handout at a hub: to a household, or to anonymous walk-ins counted as people."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="handouts")
    date = models.DateField(_("date"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="handouts", verbose_name=_("household")
    )
    people = models.PositiveSmallIntegerField(_("people"), default=1)

    chain_fields = (*LedgerEntry.chain_fields, "hub_id", "date", "household_id", "people")
    chapter_source = "hub.chapter_id"
    chain_label = "deliveries.handout"

    class Meta(LedgerEntry.Meta):
        db_table = "deliveries_handout"
        ordering = ["-date", "-recorded_at"]
        constraints = [
            *named_in(MADE_IN, LedgerEntry.Meta.constraints),
            models.CheckConstraint(condition=models.Q(people__gte=1), name="deliveries_handout_someone"),
        ]
        indexes = [*LedgerEntry.Meta.indexes, models.Index(fields=["hub", "date"], name="deliveries_handout_hub_day")]

    def __str__(self):
        return f"{self.hub} {self.date}: {self.household.code if self.household else self.people}"


class HandoutLine(QuantityEntry):
    handout = models.ForeignKey(Handout, on_delete=models.PROTECT, related_name="lines")

    chain_fields = (*QuantityEntry.chain_fields, "handout_id")
    chapter_source = "handout.chapter_id"
    chain_label = "deliveries.handoutline"
    hub_lookup = "handout__hub"

    class Meta(QuantityEntry.Meta):
        db_table = "deliveries_handoutline"
        constraints = named_in(MADE_IN, QuantityEntry.Meta.constraints)


class Spoilage(QuantityEntry):
    """Food or goods thrown away at a hub, and why; above the chapter's threshold, with a photo."""

    class Reason(models.TextChoices):
        EXPIRED = "expired", _("Past its date")
        MOULD = "mould", _("Mould or rot")
        TEMPERATURE = "temperature", _("Cold chain broken")
        DAMAGED = "damaged", _("Damaged packaging")
        PESTS = "pests", _("Pests")
        RECALL = "recall", _("Recalled")
        OTHER = "other", _("Other")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="spoilage")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    chain_fields = (*QuantityEntry.chain_fields, "hub_id", "date", "reason", "photo_id")
    chapter_source = "hub.chapter_id"
    chain_label = "deliveries.spoilage"
    unhashed_fields = ("note",)
    hub_lookup = "hub"

    class Meta(QuantityEntry.Meta):
        db_table = "deliveries_spoilage"
        verbose_name_plural = _("spoilage")
        constraints = named_in(MADE_IN, QuantityEntry.Meta.constraints)

    def __str__(self):
        return f"{self.hub} {self.date}: {super().__str__()} {self.get_reason_display()}"


class StockCount(LedgerEntry):
    """A physical count of what a hub's shelves hold, per category, and who counted."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="stock_counts")
    date = models.DateField(_("date counted"))
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by")
    )

    chain_fields = (*LedgerEntry.chain_fields, "hub_id", "date", "counted_by_id")
    chapter_source = "hub.chapter_id"
    chain_label = "deliveries.stockcount"

    class Meta(LedgerEntry.Meta):
        db_table = "deliveries_stockcount"
        ordering = ["-date", "-recorded_at"]
        constraints = named_in(MADE_IN, LedgerEntry.Meta.constraints)

    def __str__(self):
        return _("%(hub)s count %(day)s") % {"hub": self.hub, "day": self.date}


class StockCountLine(QuantityEntry):
    """One category's count; an empty shelf is counted as zero."""

    stock_count = models.ForeignKey(StockCount, on_delete=models.PROTECT, related_name="lines")

    chain_fields = (*QuantityEntry.chain_fields, "stock_count_id")
    chapter_source = "stock_count.chapter_id"
    chain_label = "deliveries.stockcountline"
    hub_lookup = "stock_count__hub"

    class Meta(QuantityEntry.Meta):
        db_table = "deliveries_stockcountline"
        constraints = [
            *named_in(MADE_IN, LedgerEntry.Meta.constraints),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="deliveries_stockcountline_not_negative"),
        ]


# The library: lendable things at a hub, and their loans. Not rows of the ledger: a loan moves no stock (a
# copy lent comes back), and a loan must be forgotten after its return, which a hash chain cannot do.
LOAN_DAYS = 21  # how long a loan runs when the chapter has not said otherwise
FORGET_AFTER_DAYS = 30  # how long a returned loan is kept, for "I brought it back", when not said otherwise


class LibrarySettings(Versioned):
    """What a chapter sets for its library. A chapter without a row has the defaults (`of`)."""

    chapter = models.OneToOneField(Chapter, on_delete=models.CASCADE, primary_key=True, related_name="library_settings")
    loan_days = models.PositiveSmallIntegerField(
        _("loan period in days"),
        default=LOAN_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A copy lent today is due back this many days later."),
    )
    forget_after_days = models.PositiveSmallIntegerField(
        _("forget returned loans after (days)"),
        default=FORGET_AFTER_DAYS,
        validators=[MaxValueValidator(365)],
        help_text=_("A returned loan is deleted this many days after its return. 0: at once."),
    )

    class Meta:
        verbose_name = _("library settings")
        verbose_name_plural = _("library settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(loan_days__gte=1, loan_days__lte=365, forget_after_days__lte=365),
                name="hubdesk_librarysettings_ranges",
            )
        ]

    def __str__(self):
        return f"{self.chapter.code} library settings"

    @classmethod
    def of(cls, chapter: Chapter) -> "LibrarySettings":
        """The chapter's settings, or the defaults while none were saved; read once per chapter object."""
        if "_library_settings" not in chapter.__dict__:
            chapter.__dict__["_library_settings"] = cls.objects.filter(chapter=chapter).first() or cls(chapter=chapter)
        return chapter.__dict__["_library_settings"]


class CopyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)

    def by_code(self, chapter: Chapter, code: str):
        """The chapter's copy with this code ("B-0042", "b42" or just "42"), or None; another chapter's is None."""
        number = code.strip().upper().lstrip("BCGTX").lstrip("-")
        if not (number.isascii() and number.isdigit() and len(number) <= 9):
            return None
        return self.filter(chapter=chapter, number=int(number)).select_related("hub").first()


class Copy(models.Model):
    """One lendable thing at a hub, with the code printed on its label. Numbered per chapter: the letter of its
    code (its kind when added) only helps the eye, the number alone finds it."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Book")
        CHILDRENS_BOOK = "childrens-book", _("Children's book")
        GAME = "game", _("Game")
        TOOL = "tool", _("Tool")
        OTHER = "other", _("Other")

    class AgeGroup(models.TextChoices):
        ALL = "all", _("All ages")
        SMALL = "0-5", _("Ages 0–5")
        CHILDREN = "6-11", _("Ages 6–11")
        TEENS = "12-17", _("Ages 12–17")
        ADULTS = "adults", _("Adults")

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        WORN = "worn", _("Worn")
        DAMAGED = "damaged", _("Damaged but usable")

    LETTERS = {"book": "B", "childrens-book": "C", "game": "G", "tool": "T", "other": "X"}

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="+")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="copies", verbose_name=_("hub"))
    number = models.PositiveIntegerField(editable=False)
    code = models.CharField(_("code"), max_length=12, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BOOK)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, blank=True)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.ALL)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD)
    added_on = models.DateField(_("added on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = CopyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("copies")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "number"], name="hubdesk_copy_number_unique_in_chapter"),
            models.UniqueConstraint(fields=["chapter", "code"], name="hubdesk_copy_code_unique_in_chapter"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @classmethod
    def code_of(cls, kind: str, number: int) -> str:
        return f"{cls.LETTERS[kind]}-{number:04d}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


class LoanQuerySet(models.QuerySet):
    def open(self):
        return self.filter(returned_on__isnull=True)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_on__lt=today)

    def to_forget(self, chapter: Chapter, today: datetime.date):
        """Returned loans of the chapter past its retention: returned on or before `today` minus forget_after_days."""
        before = today - datetime.timedelta(days=LibrarySettings.of(chapter).forget_after_days)
        return self.filter(copy__chapter=chapter, returned_on__lte=before)


class Loan(models.Model):
    """A copy lent to a household. Deleted, not kept, once returned and past the chapter's retention: the library
    must not become a reading list of a household (hubdesk/library_services.py)."""

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="loans")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")  # where it was lent
    lent_on = models.DateField()
    due_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    lent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = LoanQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["copy"], condition=Q(returned_on__isnull=True), name="hubdesk_loan_one_open_per_copy"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("lent_on")), name="hubdesk_loan_due_after_lent"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("lent_on")),
                name="hubdesk_loan_returned_after_lent",
            ),
        ]
        indexes = [models.Index(fields=["hub", "due_on"], name="hubdesk_loan_hub_due")]

    def __str__(self):
        return f"{self.copy_id} → {self.household_id} {self.lent_on}–{self.due_on}"


class LoanRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=LoanRequest.Status.OPEN)

    def to_forget(self, chapter: Chapter, today: datetime.date):
        """Closed requests of the chapter past its retention, counted like returned loans."""
        before = today - datetime.timedelta(days=LibrarySettings.of(chapter).forget_after_days)
        return self.filter(household__chapter=chapter, closed_on__lte=before)


class LoanRequest(models.Model):
    """What a household asked the library to bring on its route: a kind, a title, or both; a coordinator may pick
    the copy to bring. Deleted like a loan once fulfilled or withdrawn and past the chapter's retention."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "fulfilled", _("Fulfilled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(pgettext_lazy("library copy", "kind"), max_length=20, choices=Copy.Kind.choices, blank=True)
    title = models.CharField(_("title or subject"), max_length=200, blank=True)
    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    asked_on = models.DateField(_("asked on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)

    objects = LoanRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(kind="", title=""), name="hubdesk_loanrequest_asks_something"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status__in=["fulfilled", "withdrawn"], closed_on__isnull=False),
                name="hubdesk_loanrequest_closed_when_not_open",
            ),
        ]

    def __str__(self):
        return f"{self.household_id} asks {self.kind or '-'} {self.title}"

    def describe(self) -> str:
        """In words for messages and pages: the title if given, else the kind."""
        return self.title or self.get_kind_display()
