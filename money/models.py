"""Money in the open: dues, donations, spending and transfers as rows of each chapter's ledger chain, counts of its
cash, its accounts, and what the chapter sets for them.

MIMAC records what people did with money: it processes no payment and keeps no card numbers or bank credentials.
Each row is a ledger row (`ledger.models`): hashed into the chapter's one chain with its pickups and handouts, never
changed or deleted, corrected by a new row. A donor's name, kept only when the donor asked to be named, is outside
the hash: the retention purge, or a coordinator when the donor asks, blanks it and the chain still holds.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ledger.models import LedgerEntry, LedgerQuerySet
from mimac.models import Chapter, Membership, Photo, Versioned

ZERO = Decimal(0)
CENTS = Decimal("0.01")


def cents(total) -> Decimal:
    """A sum from the database in cents: nothing for no rows, and SQLite's float sums (253.900000000000) rounded."""
    return (total or ZERO).quantize(CENTS)


def show_amount(amount: Decimal, currency: str) -> str:
    """An amount as people read it, in the reader's language, with its currency: "1,234.50 USD"."""
    return f"{number_format(amount, decimal_pos=2, force_grouping=True)} {currency}"


class MoneySettings(Versioned):
    """What a chapter sets for its money. Money's own, not fields of Chapter: the core knows nothing of money, and a
    chapter that never records any needs no row here (`of` gives the defaults)."""

    chapter = models.OneToOneField(Chapter, on_delete=models.CASCADE, primary_key=True, related_name="money_settings")
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use the three capital letters of its code, e.g. USD or EUR."))],
        help_text=_("Every amount is in it. It stays as it is once the chapter has money rows."),
    )
    countersign_above = models.DecimalField(
        _("countersign money going out above"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Spending and transfers above this are countersigned by a second trusted member. 0: all of them."),
    )
    receipt_above = models.DecimalField(
        _("receipt photo needed above"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Spending above this needs a photo of its receipt. 0: all spending."),
    )
    largest_amount = models.DecimalField(
        _("largest amount of one row"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(5000),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("A row above this is refused as a likely slip of the keyboard (an extra zero)."),
    )
    cash_tolerance = models.DecimalField(
        _("cash count tolerance"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(ZERO)],
        help_text=_("A count that differs from what the rows say by more than this is flagged in the audit."),
    )

    class Meta:
        verbose_name = _("money settings")
        verbose_name_plural = _("money settings")

    def __str__(self):
        return f"{self.chapter.code} money settings"

    @classmethod
    def of(cls, chapter: Chapter) -> "MoneySettings":
        """The chapter's settings, or the defaults while none were saved; read once per chapter object."""
        if "_money_settings" not in chapter.__dict__:
            chapter.__dict__["_money_settings"] = cls.objects.filter(chapter=chapter).first() or cls(chapter=chapter)
        return chapter.__dict__["_money_settings"]

    def show(self, amount: Decimal) -> str:
        return show_amount(amount, self.currency)

    def clean(self):
        super().clean()
        loaded = getattr(self, "_loaded_values", {}).get("currency")
        moved = MoneyEntry.objects.filter(chapter=self.chapter_id).exists() if self.chapter_id else False
        if loaded and self.currency != loaded and moved:
            stays = _("The chapter has money rows in %(currency)s: its currency stays.") % {"currency": loaded}
            raise ValidationError({"currency": stays})


class Account(Versioned):
    """Where a chapter keeps money: a cash box, a bank account. A name only, never an account number."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash box")
        BANK = "bank", _("Bank account")

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="money_accounts")
    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("What members call it, such as “Cash box at Church Street” or “Credit union”. No account numbers."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CASH)
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("An account no longer in use takes no new rows; its rows stay.")
    )

    class Meta:
        ordering = ["-active", "name"]
        constraints = [models.UniqueConstraint(fields=["chapter", "name"], name="money_account_name_unique_in_chapter")]

    def __str__(self):
        return self.name


class MoneyQuerySet(LedgerQuerySet):
    def for_chapter(self, chapter):
        return self.filter(chapter=chapter)

    def totals(self) -> dict[tuple[str, str], Decimal]:
        """The rows' amounts added up in the database per (kind, direction)."""
        rows = self.order_by().values_list("kind", "direction").annotate(total=Sum("amount"))
        return {(kind, direction): cents(total) for kind, direction, total in rows}


class MoneyEntry(LedgerEntry):
    """Money that came in or went out of one of the chapter's accounts: dues, a donation, other income, spending, a
    balance brought forward when an account is opened, or one half of a transfer (two linked rows)."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Balance brought forward")
        DUES = "dues", _("Dues")
        DONATION = "donation", _("Donation")
        INCOME = "income", _("Other income")
        SPENDING = "spending", _("Spending")
        TRANSFER = "transfer", _("Transfer")

    class Direction(models.TextChoices):
        IN = "in", _("In")
        OUT = "out", _("Out")

    class Purpose(models.TextChoices):
        FUEL = "fuel", _("Fuel")
        RENT = "rent", _("Rent of a hub")
        STORAGE = "storage", _("Storage")
        REPAIRS = "repairs", _("Repairs")
        SUPPLIES = "supplies", _("Supplies")
        FOOD = "food", _("Food bought")
        UTILITIES = "utilities", _("Utilities")
        FEES = "fees", _("Bank and other fees")
        OTHER = "other", _("Other")

    class NamedTo(models.TextChoices):
        """How a donor asked to be named: anonymous unless they asked."""

        NOBODY = "nobody", _("Anonymous")
        COORDINATORS = "coordinators", _("Named to coordinators and auditors only")
        MEMBERS = "members", _("Named to every member")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )
    payers = models.PositiveSmallIntegerField(_("how many paid"), null=True, blank=True)
    donor_named_to = models.CharField(_("donor"), max_length=12, choices=NamedTo.choices, default=NamedTo.NOBODY)
    donor_name = models.CharField(_("donor's name"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, blank=True)
    # Through the no-faces policy like every photo, but seen by coordinators and auditors only (names and card
    # digits stay on a receipt): `receipt_photo_action`, registered for the photo view.
    receipt = models.ForeignKey(
        Photo, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("receipt")
    )
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("countersigned by"),
    )
    pair = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paired",
        verbose_name=_("the transfer's other half"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    chain_fields = (
        *LedgerEntry.chain_fields,
        "account_id",
        "kind",
        "direction",
        "amount",
        "date",
        "member_id",
        "payers",
        "donor_named_to",
        "purpose",
        "receipt_id",
        "countersigned_by_id",
        "pair_id",
    )
    # The donor's name is erasable like a note: the purge blanks it after the retention, a coordinator on request.
    unhashed_fields = ("note", "donor_name")
    chapter_source = "account.chapter_id"
    chain_label = "money.moneyentry"

    objects = MoneyQuerySet.as_manager()

    IN_KINDS = (Kind.OPENING, Kind.DUES, Kind.DONATION, Kind.INCOME)

    class Meta(LedgerEntry.Meta):
        verbose_name = _("money row")
        verbose_name_plural = _("money rows")
        ordering = ["-date", "-sequence"]
        indexes = [*LedgerEntry.Meta.indexes, models.Index(fields=["account", "date"], name="money_entry_account_day")]
        constraints = [
            *LedgerEntry.Meta.constraints,
            # A correction may bring an amount down to nothing; a first row records something.
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(amount=0, corrects__isnull=False), name="money_entry_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["opening", "dues", "donation", "income"], direction="in")
                | Q(kind="spending", direction="out")
                | Q(kind="transfer"),
                name="money_entry_direction_of_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="spending") & ~Q(purpose="")) | (~Q(kind="spending") & Q(purpose="")),
                name="money_entry_purpose_of_spending",
            ),
            models.CheckConstraint(
                condition=Q(kind="dues") | Q(member__isnull=True, payers__isnull=True),
                name="money_entry_payers_of_dues",
            ),
            models.CheckConstraint(
                condition=Q(payers__isnull=True) | Q(payers__gte=1), name="money_entry_someone_paid"
            ),
            models.CheckConstraint(
                condition=Q(kind="donation") | Q(donor_named_to="nobody", donor_name=""),
                name="money_entry_donor_of_donation",
            ),
            models.CheckConstraint(
                condition=~Q(donor_named_to="nobody") | Q(donor_name=""), name="money_entry_anonymous_keeps_no_name"
            ),
            models.CheckConstraint(
                condition=Q(kind="spending") | Q(receipt__isnull=True), name="money_entry_receipt_of_spending"
            ),
            models.CheckConstraint(
                condition=Q(direction="out") | Q(countersigned_by__isnull=True),
                name="money_entry_countersign_of_outflow",
            ),
            models.CheckConstraint(
                condition=~Q(countersigned_by=F("recorded_by")), name="money_entry_not_countersigned_by_recorder"
            ),
            models.CheckConstraint(
                condition=Q(kind="transfer", direction="in", pair__isnull=False)
                | (~Q(kind="transfer", direction="in") & Q(pair__isnull=True)),
                name="money_entry_transfer_in_pairs_out",
            ),
        ]

    def __str__(self):
        return f"{self.what}: {self.amount}"

    @property
    def what(self) -> str:
        """What the row is, as a list shows it: its kind, or for spending its purpose."""
        return self.get_purpose_display() if self.kind == self.Kind.SPENDING else self.get_kind_display()

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.direction == self.Direction.IN else -self.amount

    def clean(self):
        super().clean()
        if problems := self.problems():
            raise ValidationError(problems)

    def problems(self) -> dict[str, str]:
        """What the chapter's rules refuse in this row, field by field; the forms show each beside its field."""
        from money import rules  # the rules read other rows; kept apart from the model's shape

        return rules.problems(self)


class CashCount(LedgerEntry):
    """The money counted in a cash box (or the balance a bank statement shows), against what its rows say."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="counts", verbose_name=_("account"))
    date = models.DateField(_("date counted"))
    amount = models.DecimalField(_("counted"), max_digits=12, decimal_places=2)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    chain_fields = (*LedgerEntry.chain_fields, "account_id", "date", "amount", "counted_by_id")
    unhashed_fields = ("note",)
    chapter_source = "account.chapter_id"
    chain_label = "money.cashcount"

    class Meta(LedgerEntry.Meta):
        verbose_name = _("cash count")
        ordering = ["-date", "-sequence"]
        constraints = [
            *LedgerEntry.Meta.constraints,
            models.CheckConstraint(condition=Q(amount__gte=0), name="money_cashcount_not_negative"),
        ]

    def __str__(self):
        return f"{self.account} {self.date}: {self.amount}"

    def clean(self):
        super().clean()
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("A count is never below zero: count what is there.")})
        if self.corrects_id is None and self.counted_by_id and self.account_id:
            members = Membership.objects.active().filter(chapter=self.account.chapter_id, user=self.counted_by_id)
            if not members.exists():
                raise ValidationError({"counted_by": _("Whoever counted is a member of the chapter.")})
