"""Chapters and their hubs and closures, and what every edited object shares: optimistic versions."""

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mimac import extensions


class StaleEdit(Exception):
    """Someone saved the object after this editor loaded it; `current` is what is saved now."""

    def __init__(self, current):
        super().__init__(f"{current!r} was changed by someone else")
        self.current = current


class Versioned(models.Model):
    """Optimistic versioning: a save based on an old version is refused, so no edit is lost unseen.

    An object also remembers the values it was loaded with, so that a rule can judge only what an edit changes.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            claimed = type(self)._base_manager.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
            if not claimed:
                raise StaleEdit(current=type(self)._base_manager.get(pk=self.pk))
            self.version += 1
            return super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance


# How far ahead a plan (a route, a pickup schedule, a closure) may reach: a year, and the same day next year.
PLANNING_DAYS = 366


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(value)s is not a time zone we know."), params={"value": value}) from None


class Chapter(Versioned):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("Use 2 to 8 capital letters, e.g. DET."))],
        help_text=_("Printed on paper before reference numbers, e.g. DET-0042."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    started_on = models.DateField(
        _("records start on"),
        default=timezone.localdate,
        help_text=_(
            "The earliest date the chapter's records may carry. Set it earlier before entering older paper records."
        ),
    )
    observation_days = models.PositiveSmallIntegerField(
        _("observation period (days)"),
        default=90,
        validators=[MaxValueValidator(365)],
        help_text=_("How long new members observe before others may vouch for them."),
    )
    shifts_before_vouching = models.PositiveSmallIntegerField(
        _("shifts with a trusted member before vouching"),
        default=3,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "Pickups or route shifts a new member does with a trusted member before anyone may vouch for them."
        ),
    )
    contact_phone = models.CharField(
        _("coordinators' phone"),
        max_length=40,
        blank=True,
        help_text=_("Printed on route sheets, for volunteers on the road."),
    )
    pickup_cutoff_hours = models.PositiveSmallIntegerField(
        _("give-back cut-off (hours)"),
        default=24,
        validators=[MaxValueValidator(168)],
        help_text=_("A volunteer can give a pickup back until this many hours before it; then only a coordinator."),
    )
    spoilage_photo_above = models.DecimalField(
        _("spoilage photo needed above"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("10"),
        help_text=_("Spoilage of more than this (in the category's unit) needs an evidence photo."),
    )
    coordinators_two_factor = models.BooleanField(
        _("coordinators sign in with a second factor"),
        default=False,
        help_text=_("An authenticator app's code after the password, for every coordinator of the chapter."),
    )
    audit_tolerance_percent = models.DecimalField(
        _("audit tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MaxValueValidator(100)],
        help_text=_("Counts and route balances that differ by more than this are flagged in the audit."),
    )
    spoilage_flag_percent = models.DecimalField(
        _("spoilage flagged above (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=[MaxValueValidator(100)],
        help_text=_("The audit flags a hub that threw away more than this share of what it received."),
    )
    paper_language = models.CharField(
        _("language of paper for households"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("A household's sheets are printed in its own language; in this one when MIMAC has none for it."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Where the chapter is: its pages, sheets and CSVs show dates and times there."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> datetime.date:
        """Today's date where the chapter is, which is what 'today' means on its pages."""
        return timezone.localdate(timezone=self.zone)

    def clean(self):
        super().clean()
        if self.started_on is None or not changed_since_loaded(self, "started_on"):
            return
        try:
            today = self.today()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return  # the time zone's own error says what is wrong
        if self.started_on > today:
            raise ValidationError({"started_on": _("The chapter's records cannot start after today.")})
        earliest = extensions.first_record_day(self) if self.pk else None
        if earliest and self.started_on > earliest:
            raise ValidationError(
                {
                    "started_on": _("The chapter has records from %(date)s already: start on that day or earlier.")
                    % {"date": earliest.isoformat()}
                }
            )

    def date_refusal(self, day: datetime.date, *, days_ahead: int = 0) -> str | None:
        """Why `day` cannot be a date of the chapter's records, or None when it can. Records start on the day
        the chapter started; what happened is dated today at the latest, and a plan `days_ahead` days after
        today at the latest, today being where the chapter is."""
        if day < self.started_on:
            return _(
                "%(date)s is before %(chapter)s started using MIMAC, on %(start)s. Check the year; for older "
                "records, a coalition admin can set an earlier start."
            ) % {"date": day.isoformat(), "chapter": self.name, "start": self.started_on.isoformat()}
        last = self.today() + datetime.timedelta(days=days_ahead)
        if day <= last:
            return None
        if not days_ahead:
            return _("%(date)s is in the future: what happened is dated today (%(today)s) at the latest.") % {
                "date": day.isoformat(),
                "today": last.isoformat(),
            }
        return ngettext(
            "%(date)s is more than %(days)d day ahead: choose a day up to %(last)s.",
            "%(date)s is more than %(days)d days ahead: choose a day up to %(last)s.",
            days_ahead,
        ) % {"date": day.isoformat(), "days": days_ahead, "last": last.isoformat()}

    def check_dates(self, instance, *names: str, days_ahead: int = 0) -> None:
        """Refuse, field by field, each named date of `instance` that this chapter's records cannot carry (see
        `date_refusal`). A date is judged when it is entered or changed: one kept as it was loaded stays."""
        errors = {}
        for name in names:
            day = getattr(instance, name)
            if day is not None and changed_since_loaded(instance, name):
                refusal = self.date_refusal(day, days_ahead=days_ahead)
                if refusal:
                    errors[name] = refusal
        if errors:
            raise ValidationError(errors)


def changed_since_loaded(instance, name: str) -> bool:
    """Whether a field differs from what was loaded; always, for an object not loaded (see Versioned)."""
    loaded = getattr(instance, "_loaded_values", {})
    return name not in loaded or loaded[name] != getattr(instance, name)


class ClosureDay(models.Model):
    """A day the whole chapter is closed (a holiday): no pickups, no routes."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["chapter", "date"], name="mimac_closure_day_unique")]

    def __str__(self):
        return f"{self.chapter.code} {self.date:%Y-%m-%d} {self.reason}".strip()

    def clean(self):
        super().clean()
        self.chapter.check_dates(self, "date", days_ahead=PLANNING_DAYS)


class Hub(Versioned):
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="hubs")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    walk_in_hours = models.CharField(
        _("walk-in hours"), max_length=200, blank=True, help_text=_("For example: Tue and Thu 4–7 pm.")
    )
    cold_storage = models.BooleanField(_("has cold storage"), default=False)
    freezer = models.BooleanField(_("has a freezer"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["chapter", "name"], name="mimac_hub_name_unique_in_chapter")]

    def __str__(self):
        return self.name
