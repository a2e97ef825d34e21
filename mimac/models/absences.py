"""A member's time away: the days they cannot take pickups or routes. Nothing about why is kept."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mimac.models.people import Membership

MAX_ABSENCE_DAYS = 366


class AbsenceQuerySet(models.QuerySet):
    def overlapping(self, first: datetime.date, last: datetime.date):
        """The absences that cover any day from `first` to `last`, both included."""
        return self.filter(starts_on__lte=last, ends_on__gte=first)

    def on(self, day: datetime.date):
        return self.overlapping(day, day)


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

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1
