"""Standing deliveries: households fed on a recurrence, dated pauses, and the named routes the planner drafts from.

A household's `DeliveryArrangement` says when it is due (RRULE text, built by `mimac.recurrence`), from which hub,
in which window and with what; a `Pause` keeps it off for dated days without touching `Household.status` (the
retention purge counts from the status). A `StandingRoute` is a named route of a hub on a weekday with its
households in order (`StandingStop`) and its usual people. `deliveries.planner` drafts each day's routes from them;
what it could not do is kept as `PlanNote`s for the coordinator's home.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mimac.models import PLANNING_DAYS, Category, Chapter, Hub, Versioned, changed_since_loaded
from mimac.recurrence import WEEKDAYS, dates, describe
from recipients.models import Household

# How many days ahead the planner drafts routes when a chapter has not said otherwise.
DAYS_AHEAD = 7
WEEKDAY_CHOICES = [(number, label) for number, (_code, label) in enumerate(WEEKDAYS)]


class PlanningSettings(Versioned):
    """A chapter's settings for standing deliveries. A chapter without a row plans DAYS_AHEAD days ahead."""

    chapter = models.OneToOneField(Chapter, on_delete=models.CASCADE, related_name="delivery_planning")
    days_ahead = models.PositiveSmallIntegerField(
        _("draft routes this many days ahead"),
        default=DAYS_AHEAD,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Each day's routes are drafted from the standing routes this many days ahead, today included."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(days_ahead__gte=1, days_ahead__lte=28), name="deliveries_planning_days_ahead_range"
            )
        ]

    def __str__(self):
        return f"{self.chapter.code}: {self.days_ahead} days ahead"

    @staticmethod
    def days_ahead_of(chapter: Chapter) -> int:
        row = PlanningSettings.objects.filter(chapter=chapter).values_list("days_ahead", flat=True).first()
        return row or DAYS_AHEAD


class DeliveryArrangement(Versioned):
    """When a delivery household is due, from which hub, in which window, with what as a rule."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="arrangement")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+", verbose_name=_("from hub"))
    rrule = models.CharField(_("recurrence"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    window = models.CharField(_("usual window"), max_length=20, choices=Household.Window.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="deliveries_arrangement_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.household.code}: {self.rrule}"

    @property
    def recurrence_text(self) -> str:
        return describe(self.rrule)

    def due_between(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        return dates(self.rrule, self.starts_on, self.ends_on, first, last)

    def clean(self):
        super().clean()
        self.household.chapter.check_dates(self, "starts_on", "ends_on", days_ahead=PLANNING_DAYS)


class UsualItem(models.Model):
    """What a household receives as a rule, in the category's unit: copied onto each stop the planner drafts."""

    arrangement = models.ForeignKey(DeliveryArrangement, on_delete=models.CASCADE, related_name="usual_items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["category__name"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "category"], name="deliveries_usual_item_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="deliveries_usual_item_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.category.unit} {self.category.name}"


class PauseQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, first: datetime.date, last: datetime.date):
        return self.filter(starts_on__lte=last, ends_on__gte=first)


class Pause(Versioned):
    """Days a household is away (a hospital stay, travel): no stop is drafted for it, and it ends on its own."""

    class Reason(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital or care stay")
        TRAVEL = "travel", _("Travel or visiting family")
        AWAY = "away", _("Away, back on a known day")
        ENOUGH = "enough", _("Has enough for now")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="delivery_pauses")
    starts_on = models.DateField(_("first day away"))
    ends_on = models.DateField(_("last day away"), help_text=_("Deliveries start again the day after."))
    reason = models.CharField(_("why"), max_length=20, choices=Reason.choices)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Only what the route needs to know; no medical details.")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PauseQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["household", "ends_on"], name="deliveries_pause_household_end")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="deliveries_pause_ends_after_start")
        ]

    def __str__(self):
        return f"{self.household.code}: {self.starts_on} to {self.ends_on}"

    @property
    def resumes_on(self) -> datetime.date:
        return self.ends_on + datetime.timedelta(days=1)

    def clean(self):
        super().clean()
        if self.starts_on is None or self.ends_on is None:
            return
        if self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day away cannot be before the first.")})
        self.household.chapter.check_dates(self, "starts_on", "ends_on", days_ahead=PLANNING_DAYS)
        months = settings.HOUSEHOLD_RETENTION_MONTHS
        if self.ends_on >= self.starts_on + relativedelta(months=months):
            raise ValidationError(
                {
                    "ends_on": _(
                        "A pause is shorter than %(months)d months, the time their data is kept after they stop. "
                        "For longer, change the household's status to paused instead."
                    )
                    % {"months": months}
                }
            )
        others = Pause.objects.filter(household=self.household).overlapping(self.starts_on, self.ends_on)
        other = others.exclude(pk=self.pk).first()
        if other:
            raise ValidationError(
                _("This overlaps the pause from %(first)s to %(last)s: change that one instead.")
                % {"first": other.starts_on.isoformat(), "last": other.ends_on.isoformat()}
            )
        if self.pk and not (changed_since_loaded(self, "starts_on") or changed_since_loaded(self, "ends_on")):
            return  # only the note changed: the days it covers were judged when they were set
        delivered = (
            self.household.stops.filter(route__date__range=(self.starts_on, self.ends_on), outcome="delivered")
            .order_by("route__date")
            .values_list("route__date", flat=True)
            .first()
        )
        if delivered:
            raise ValidationError(
                _("They were delivered to on %(date)s: a pause cannot cover a day already delivered.")
                % {"date": delivered.isoformat()}
            )


class StandingRoute(Versioned):
    """A named route of a hub on a weekday, its households in order and its usual people: each week's drafts
    are made from it."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="standing_routes")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+", verbose_name=_("starts from hub"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    name = models.CharField(_("name"), max_length=80, help_text=_("For example: Tuesday east."))
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("usual driver"),
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("usual helpers")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("A route no longer active drafts nothing; its past days stay.")
    )

    class Meta:
        ordering = ["weekday", "name"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "weekday", "name"], name="deliveries_standing_route_name_once"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="deliveries_standing_route_weekday"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        clash = StandingRoute.objects.filter(chapter=self.chapter, weekday=self.weekday, name__iexact=self.name)
        if self.name and self.weekday is not None and clash.exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("The chapter has a standing route of this name on that weekday.")})


class StandingStop(models.Model):
    """A household's place on a standing route. One standing route per household and weekday: the weekday is
    the route's, kept here so that the database holds that."""

    standing_route = models.ForeignKey(StandingRoute, on_delete=models.CASCADE, related_name="places")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="standing_places")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAY_CHOICES)
    sequence = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["household", "weekday"], name="deliveries_standing_stop_one_per_weekday"),
            models.UniqueConstraint(fields=["standing_route", "household"], name="deliveries_standing_stop_once"),
        ]

    def __str__(self):
        return f"{self.standing_route} {self.sequence}: {self.household.code}"


class StopRemoval(models.Model):
    """A person took a household off a drafted route: the planner does not put it back on that route."""

    route = models.ForeignKey("deliveries.Route", on_delete=models.CASCADE, related_name="removals")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["route", "household"], name="deliveries_stop_removal_once")]

    def __str__(self):
        return f"{self.household.code} off {self.route}"


class PlanNote(models.Model):
    """What the planner could not do or left alone on a day, for the coordinator's home. Replaced on every run
    for the households and days it planned."""

    class Kind(models.TextChoices):
        UNPLACED = "unplaced", _("Due, but on no standing route that day")
        LEFT_ALONE = "left_alone", _("Not due, but left on the route")

    class Why(models.TextChoices):
        DUE = "due", _("due")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("the chapter is closed that day")
        NOT_DUE = "not_due", _("not due that day")
        NOT_ACTIVE = "not_active", _("no longer active for delivery")
        ELSEWHERE = "elsewhere", _("on another standing route")

    class How(models.TextChoices):
        NONE = "", _("—")
        ADDED = "added", _("a person added it")
        CHANGED = "changed", _("a person changed its items")

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    route = models.ForeignKey("deliveries.Route", on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    why = models.CharField(max_length=20, choices=Why.choices)
    how = models.CharField(max_length=20, choices=How.choices, blank=True)

    class Meta:
        ordering = ["date", "household__number"]
        indexes = [models.Index(fields=["chapter", "date"], name="deliveries_plan_note_day")]
        constraints = [
            models.UniqueConstraint(fields=["household", "date", "kind"], name="deliveries_plan_note_once"),
        ]

    def __str__(self):
        return f"{self.date} {self.household.code}: {self.kind} ({self.why})"

    def message(self) -> str:
        """The note in words, as the coordinator's home shows it."""
        if self.kind == self.Kind.UNPLACED:
            return gettext("%(code)s is due but on no standing route that day.") % {"code": self.household.code}
        words = {
            self.Why.PAUSED: gettext("%(code)s is paused but still on %(route)s: %(how)s."),
            self.Why.CLOSED: gettext("The chapter is closed that day, but %(code)s is still on %(route)s: %(how)s."),
            self.Why.NOT_ACTIVE: gettext("%(code)s no longer receives deliveries but is still on %(route)s: %(how)s."),
            self.Why.NOT_DUE: gettext("%(code)s is not due that day but is still on %(route)s: %(how)s."),
            self.Why.ELSEWHERE: gettext(
                "%(code)s is on another standing route that weekday but still on %(route)s: %(how)s."
            ),
        }
        how = gettext("you added it") if self.how == self.How.ADDED else gettext("you changed its items")
        route = self.route.name if self.route else "—"
        return words.get(self.why, words[self.Why.NOT_DUE]) % {"code": self.household.code, "route": route, "how": how}
