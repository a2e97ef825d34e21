import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import LedgerEntry, QuantityEntry
from mimac.models import PLANNING_DAYS, Category, Chapter, Hub, Photo, Versioned
from mimac.recurrence import dates, describe


class Supplier(Versioned):
    """A business or farm that gives food. Business contact details only."""

    class Kind(models.TextChoices):
        GROCERY = "grocery", _("Grocery")
        BAKERY = "bakery", _("Bakery")
        FARM = "farm", _("Farm")
        RESTAURANT = "restaurant", _("Restaurant")
        DISTRIBUTOR = "distributor", _("Distributor")
        OTHER = "other", _("Other")

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="suppliers")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("business contact"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    instructions = models.TextField(
        _("pickup instructions"), max_length=2000, blank=True, help_text=_("Where to park, which door, whom to ask.")
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("usually gives"), blank=True, related_name="+")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "name"], name="pickups_supplier_name_unique_in_chapter")
        ]

    def __str__(self):
        return self.name


class SupplierClosure(models.Model):
    """A period a supplier gives nothing (closed for renovation, on holiday)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("first day closed"))
    ends_on = models.DateField(_("last day closed"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="pickups_closure_ends_after_start")
        ]

    def __str__(self):
        return f"{self.supplier}: {self.starts_on} to {self.ends_on}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day closed cannot be before the first.")})
        self.supplier.chapter.check_dates(self, "starts_on", "ends_on", days_ahead=PLANNING_DAYS)


def window_label(start: datetime.time, end: datetime.time) -> str:
    """A time window as every page and sheet prints it: opening and closing time joined by an en dash."""
    return f"{start:%H:%M}–{end:%H:%M}"


class PickupSchedule(Versioned):
    """A promise to a supplier: pickups on a recurrence (RFC 5545 RRULE), in a time window, to a hub."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="schedules")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="pickup_schedules")
    rrule = models.CharField(_("recurrence"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    window_start = models.TimeField(_("window opens"))
    window_end = models.TimeField(_("window closes"))
    skip_dates = models.JSONField(_("dates skipped"), default=list, blank=True)
    default_volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("usual volunteers"), blank=True, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["supplier__name", "window_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")), name="pickups_schedule_window_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="pickups_schedule_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.supplier} → {self.hub}: {self.rrule}"

    @property
    def window(self) -> str:
        return window_label(self.window_start, self.window_end)

    @property
    def chapter(self) -> Chapter:
        return self.supplier.chapter

    @property
    def recurrence_text(self) -> str:
        return describe(self.rrule)

    def clean(self):
        super().clean()
        self.chapter.check_dates(self, "starts_on", "ends_on", days_ahead=PLANNING_DAYS)
        loaded = getattr(self, "_loaded_values", {}).get("skip_dates", [])
        for day in sorted(set(self.skip_dates) - set(loaded)):
            refusal = self.chapter.date_refusal(datetime.date.fromisoformat(day), days_ahead=PLANNING_DAYS)
            if refusal:
                raise ValidationError(_("A date to skip: %(refusal)s") % {"refusal": refusal})

    def occurrences(self, first: datetime.date, last: datetime.date) -> list["Occurrence"]:
        """Every date the recurrence gives from `first` to `last`, each with why it is skipped, if it is."""
        days = dates(self.rrule, self.starts_on, self.ends_on, first, last)
        if not days:
            return []
        reasons = self._skip_reasons(days[0], days[-1])
        return [Occurrence(date, reasons.get(date, "")) for date in days]

    def _skip_reasons(self, first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
        reasons = {datetime.date.fromisoformat(day): str(_("listed under “Dates to skip”")) for day in self.skip_dates}
        for closure in self.supplier.closures.filter(starts_on__lte=last, ends_on__gte=first):
            day = max(closure.starts_on, first)
            while day <= min(closure.ends_on, last):
                reasons[day] = _("supplier closed: %(reason)s") % {"reason": closure.reason or _("closure")}
                day += datetime.timedelta(days=1)
        for closure in self.supplier.chapter.closure_days.filter(date__range=(first, last)):
            reasons[closure.date] = _("chapter closed: %(reason)s") % {"reason": closure.reason or _("holiday")}
        return reasons


@dataclass(frozen=True)
class Occurrence:
    date: datetime.date
    skipped_because: str = ""


class PickupQuerySet(models.QuerySet):
    def on(self, date: datetime.date):
        return self.filter(date=date)

    def between(self, first: datetime.date, last: datetime.date):
        return self.filter(date__gte=first, date__lte=last)

    def overlapping(self, pickup: "Pickup"):
        """The other pickups that day whose windows overlap this one's (a volunteer cannot be on both)."""
        return (
            self.filter(date=pickup.date, window_start__lt=pickup.window_end, window_end__gt=pickup.window_start)
            .exclude(pk=pickup.pk)
            .exclude(status=Pickup.Status.CANCELLED)
        )

    def untouched(self):
        """Planned by the schedule and not yet changed by anyone: safe to re-plan."""
        return self.filter(status=Pickup.Status.SCHEDULED).exclude(assignments__assigned_by__isnull=False)


class Pickup(models.Model):
    """One occurrence of a schedule: a date and a window, in the chapter's time zone."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    schedule = models.ForeignKey(PickupSchedule, on_delete=models.PROTECT, related_name="pickups")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="pickups")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="pickups")
    date = models.DateField(_("date"))
    window_start = models.TimeField(_("window opens"))
    window_end = models.TimeField(_("window closes"))

    class MissedReason(models.TextChoices):
        SUPPLIER_CLOSED = "supplier_closed", _("Supplier was closed")
        NOTHING_TO_GIVE = "nothing_to_give", _("Supplier had nothing to give")
        NO_VOLUNTEER = "no_volunteer", _("No volunteer could go")
        VEHICLE = "vehicle", _("Vehicle problem")
        OTHER = "other", _("Other")

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    missed_reason = models.CharField(_("why it was missed"), max_length=20, choices=MissedReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ForeignKey(Photo, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    volunteers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PickupAssignment", through_fields=("pickup", "volunteer"), related_name="+"
    )

    objects = PickupQuerySet.as_manager()

    class Meta:
        ordering = ["date", "window_start"]
        indexes = [models.Index(fields=["hub", "date"], name="pickups_pickup_hub_day")]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="pickups_pickup_once_per_schedule_day"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(arrived_at__isnull=False, recorded_by__isnull=False),
                name="pickups_pickup_done_has_arrival",
            ),
            models.CheckConstraint(
                condition=~Q(status="missed") | (~Q(missed_reason="") & Q(recorded_by__isnull=False)),
                name="pickups_pickup_missed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.supplier} {self.date} {self.window_start:%H:%M}"

    @property
    def window(self) -> str:
        return window_label(self.window_start, self.window_end)

    @property
    def chapter(self) -> Chapter:
        return self.supplier.chapter

    @property
    def arrived_on_time(self) -> bool:
        return self.status == self.Status.DONE and self.window_starts_at <= self.arrived_at <= self.window_ends_at

    @property
    def recorded_late(self) -> bool:
        """Recorded on a later day than it happened (from paper, say): shown with who and when."""
        if not self.recorded_at:
            return False
        return timezone.localtime(self.recorded_at, self.window_starts_at.tzinfo).date() > self.date

    def give_back_deadline(self) -> datetime.datetime:
        return self.window_starts_at - datetime.timedelta(hours=self.chapter.pickup_cutoff_hours)

    def _local(self, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(self.date, time, tzinfo=zoneinfo.ZoneInfo(self.supplier.chapter.time_zone))

    @property
    def window_starts_at(self) -> datetime.datetime:
        return self._local(self.window_start)

    @property
    def window_ends_at(self) -> datetime.datetime:
        return self._local(self.window_end)


class PickupLine(QuantityEntry):
    """What came in: a quantity of one category, in the category's unit. Part of the ledger."""

    pickup = models.ForeignKey(Pickup, on_delete=models.PROTECT, related_name="lines")

    chain_fields = (*QuantityEntry.chain_fields, "pickup_id")
    chapter_source = "pickup.supplier.chapter_id"
    chain_label = "pickups.pickupline"
    hub_lookup = "pickup__hub"


class IntakeCheck(LedgerEntry):
    """A second member's count of what a pickup brought in, made without seeing the recorded lines."""

    pickup = models.OneToOneField(Pickup, on_delete=models.PROTECT, related_name="intake_check")

    chain_fields = (*LedgerEntry.chain_fields, "pickup_id")
    chapter_source = "pickup.supplier.chapter_id"
    chain_label = "pickups.intakecheck"

    def __str__(self):
        return f"Intake check of {self.pickup}"


class IntakeCheckLine(QuantityEntry):
    check_of = models.ForeignKey(IntakeCheck, on_delete=models.PROTECT, related_name="lines")

    chain_fields = (*QuantityEntry.chain_fields, "check_of_id")
    chapter_source = "check_of.chapter_id"
    chain_label = "pickups.intakecheckline"


class PickupAssignment(models.Model):
    """A volunteer on a pickup. Assigned by nobody: copied from the schedule's usual volunteers."""

    pickup = models.ForeignKey(Pickup, on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pickup", "volunteer"], name="pickups_assignment_once"),
        ]

    def __str__(self):
        return f"{self.volunteer} on {self.pickup}"
