"""Distribution out: delivery routes and their stops. Supply meets distribution here."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliveries.models.standing import StandingRoute
from ledger.models import LedgerEntry, QuantityEntry
from mimac.models import (
    PLANNING_DAYS,
    Category,
    Chapter,
    Hub,
    StaleEdit,
    Versioned,
    changed_since_loaded,
)
from recipients.models import Household


class RouteQuerySet(models.QuerySet):
    def for_chapters(self, chapters):
        return self.filter(chapter__in=chapters)

    def sheet_missing(self, today):
        """Published routes of earlier days whose printed sheet has not come back."""
        return self.filter(status=Route.Status.PUBLISHED, date__lt=today, sheet_returned_at__isnull=True)


class Route(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DONE = "done", _("Done")

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="routes")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="routes", verbose_name=_("starts from hub"))
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=80, help_text=_("For example: Eastside morning."))
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("driver"),
    )
    helpers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("helpers"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    sheet_returned_at = models.DateTimeField(_("sheet came back at"), null=True, blank=True)
    sheet_returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Drafted by the planner from this standing route; it leaves alone what a person changed since.
    standing_route = models.ForeignKey(
        StandingRoute, on_delete=models.PROTECT, null=True, blank=True, related_name="drafts", editable=False
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    reordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = RouteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "name"]
        indexes = [models.Index(fields=["hub", "date"], name="deliveries_route_hub_day")]
        constraints = [
            models.UniqueConstraint(fields=["standing_route", "date"], name="deliveries_route_once_per_standing_day")
        ]

    def __str__(self):
        return f"{self.name} {self.date:%Y-%m-%d}"

    def clean(self):
        super().clean()
        self.chapter.check_dates(self, "date", days_ahead=PLANNING_DAYS)
        # What its stops recorded counts on the route's day at its hub: moving it would move the ledger's figures.
        moved = [name for name in ("date", "hub_id") if changed_since_loaded(self, name)]
        if moved and self.pk and self.stops.exclude(outcome="").exists():
            message = _("A stop of this route is recorded already: it stays on its day and at its hub.")
            raise ValidationError({name.removesuffix("_id"): message for name in moved})

    def claim(self, version: int) -> None:
        """Take the next version for a change to the route or its stops; refuse a change based on an old one."""
        claimed = Route.objects.filter(pk=self.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise StaleEdit(current=Route.objects.get(pk=self.pk))
        self.version = version + 1

    @property
    def open_to_its_volunteers(self) -> bool:
        """Its driver and helpers see its sheet, stops and load-out only while it is published and dated today or
        tomorrow in the chapter's zone (tomorrow's is printed the evening before): an older sheet is a list of
        names, addresses and diets."""
        today = self.chapter.today()
        return self.status == self.Status.PUBLISHED and today <= self.date <= today + datetime.timedelta(days=1)

    @property
    def volunteers(self) -> list:
        return [user for user in [self.driver, *self.helpers.all()] if user is not None]


class Stop(models.Model):
    class Outcome(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        NOT_HOME = "not_home", _("Not home")
        REFUSED = "refused", _("Refused")
        MOVED = "moved", _("Moved or unknown")

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="stops")
    sequence = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("what happened"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Who put it there: the planner (from a standing route) or a person; and a person who changed it since.
    placed_by_planner = models.BooleanField(default=False, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["route", "household"], name="deliveries_stop_household_once_per_route"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(recorded_by__isnull=False),
                name="deliveries_stop_outcome_recorded_by_someone",
            ),
        ]

    def __str__(self):
        return _("%(route)s stop %(number)s: %(code)s") % {
            "route": self.route,
            "number": self.sequence,
            "code": self.household.code,
        }


class DeliveryLine(QuantityEntry):
    """What a stop received: a quantity of one category, in its unit. Part of the ledger."""

    stop = models.ForeignKey(Stop, on_delete=models.PROTECT, related_name="delivered_lines")

    chain_fields = (*QuantityEntry.chain_fields, "stop_id")
    chapter_source = "stop.route.chapter_id"
    chain_label = "deliveries.deliveryline"

    def __str__(self):
        return _("%(line)s to %(code)s") % {"line": super().__str__(), "code": self.stop.household.code}


class PlannedItem(models.Model):
    """What a stop should receive, in the category's unit. A plan, not the ledger: it can change."""

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="planned_items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["category__name"]
        constraints = [
            models.UniqueConstraint(fields=["stop", "category"], name="deliveries_planned_item_once_per_stop"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="deliveries_planned_item_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.category.unit} {self.category.label}"


class HouseholdReport(LedgerEntry):
    """What a household says it received on a day, in its own words, recorded by a coordinator."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        LESS = "less", _("Received less than usual")
        NOTHING = "nothing", _("Nothing came")

    class Via(models.TextChoices):
        PHONE = "phone", _("By phone")
        HUB = "hub", _("At the hub")
        PAPER = "paper", _("On paper")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="reports")
    date = models.DateField(_("delivery day it is about"))
    kind = models.CharField(_("what they say"), max_length=20, choices=Kind.choices)
    via = models.CharField(_("how they told us"), max_length=20, choices=Via.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    chain_fields = (*LedgerEntry.chain_fields, "household_id", "date", "kind", "via")
    chapter_source = "household.chapter_id"
    chain_label = "deliveries.householdreport"
    unhashed_fields = ("note",)

    class Meta(LedgerEntry.Meta):
        ordering = ["-date", "-recorded_at"]

    def __str__(self):
        return f"{self.household.code} {self.date}: {self.get_kind_display()}"


class RouteLoad(QuantityEntry):
    """What left the hub for a route (countersigned by a second member), or what came back."""

    class Direction(models.TextChoices):
        OUT = "out", _("Loaded out")
        BACK = "back", _("Came back")

    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="loads")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    chain_fields = (*QuantityEntry.chain_fields, "route_id", "direction", "countersigned_by_id")
    chapter_source = "route.chapter_id"
    chain_label = "deliveries.routeload"
    hub_lookup = "route__hub"

    class Meta(QuantityEntry.Meta):
        ordering = ["direction", "category__name"]
        constraints = [
            *QuantityEntry.Meta.constraints,
            models.CheckConstraint(
                condition=~models.Q(direction="out") | models.Q(countersigned_by__isnull=False),
                name="deliveries_route_load_out_countersigned",
            ),
        ]

    def __str__(self):
        return f"{self.route} {self.get_direction_display()}: {super().__str__()}"


class StopTransfer(models.Model):
    """Stops a coordinator moved mid-day from a published route to another of its day, and the goods that went with
    them: returned on the first route and loaded out on the second (ledger rows, `loads`), marked as moved by a
    coordinator. Both routes' pages show it; the receiving driver's slip prints from it."""

    from_route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="transfers_out")
    to_route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="transfers_in")
    stops = models.ManyToManyField(Stop, related_name="transfers")
    loads = models.ManyToManyField(RouteLoad, blank=True, related_name="transfers")
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["moved_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_route=F("to_route")), name="deliveries_stop_transfer_to_another_route"
            )
        ]

    def __str__(self):
        return f"{self.from_route} → {self.to_route} {self.moved_at:%Y-%m-%d %H:%M}"
