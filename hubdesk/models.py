"""The hub desk's rows of the ledger: walk-in handouts, spoilage and stock counts at a hub.

They were made in `deliveries` and moved here without touching a table (hubdesk/migrations/0001): each keeps
its table, the names of its constraints and indexes, and its chain label, the label its rows are hashed with.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.models import LedgerEntry, QuantityEntry, named_in
from mimac.models import Hub, Photo
from recipients.models import Household

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
