"""A member's time away: the days they cannot take pickups or routes. Nothing about why is kept."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mimac.models.chapters import PLANNING_DAYS
from mimac.models.people import Membership

MAX_ABSENCE_DAYS = 366


class AbsenceQuerySet(models.QuerySet):
    def overlapping(self, first: datetime.date, last: datetime.date):
        """The absences that cover any day from `first` to `last`, both included."""
        return self.filter(starts_on__lte=last, ends_on__gte=first)

    def on(self, day: datetime.date):
        return self.overlapping(day, day)

    def days_away(self, first: datetime.date, last: datetime.date) -> set[tuple[int, datetime.date]]:
        """(user id, day) for every day from `first` to `last` a member is away: what the planners leave out."""
        away = set()
        for user_id, starts_on, ends_on in self.overlapping(first, last).values_list(
            "membership__user", "starts_on", "ends_on"
        ):
            day = max(starts_on, first)
            while day <= min(ends_on, last):
                away.add((user_id, day))
                day += datetime.timedelta(days=1)
        return away


class Absence(models.Model):
    """Away from `starts_on` to `ends_on`, both days included, in one chapter. Recorded by the member or a
    coordinator; what it releases is the deliveries app's business (the layers keep it out of mimac)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("away from"))
    ends_on = models.DateField(_("back after"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="mimac_absence_ends_after_start"),
        ]
        indexes = [models.Index(fields=["membership", "ends_on"], name="mimac_absence_member_end")]

    def __str__(self):
        return _("%(member)s away %(first)s to %(last)s") % {
            "member": self.membership,
            "first": self.starts_on.isoformat(),
            "last": self.ends_on.isoformat(),
        }

    def clean(self):
        """A new absence: from today at the earliest, forwards, at most MAX_ABSENCE_DAYS long and within the planning
        horizon, and not over another of the member's. Each refusal says what to type instead."""
        super().clean()
        if self.starts_on is None or self.ends_on is None:
            return
        chapter = self.membership.chapter
        today = chapter.today()
        if self._state.adding and self.starts_on < today:
            raise ValidationError(
                {"starts_on": _("%(date)s is past: time away starts today (%(today)s) at the earliest.")
                 % {"date": self.starts_on.isoformat(), "today": today.isoformat()}}
            )  # fmt: skip
        if self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The day back cannot be before the first day away.")})
        if self.days > MAX_ABSENCE_DAYS:
            raise ValidationError(
                {"ends_on": ngettext(
                    "Time away lasts %(days)d day at most: record a shorter one.",
                    "Time away lasts %(days)d days at most: record a shorter one.",
                    MAX_ABSENCE_DAYS,
                ) % {"days": MAX_ABSENCE_DAYS}}
            )  # fmt: skip
        chapter.check_dates(self, "starts_on", "ends_on", days_ahead=PLANNING_DAYS)
        other = Absence.objects.filter(membership=self.membership).overlapping(self.starts_on, self.ends_on)
        other = other.exclude(pk=self.pk).first()
        if other:
            raise ValidationError(
                _("This overlaps the time away from %(first)s to %(last)s: end that one first, or choose other days.")
                % {"first": other.starts_on.isoformat(), "last": other.ends_on.isoformat()}
            )

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1
