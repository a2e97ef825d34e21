"""What a member's time away freed: each pickup or route they were taken off, by whom and when."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliveries.models.routes import Route
from mimac.models import Absence
from pickups.models import Pickup


class Release(models.Model):
    """A member taken off a pickup or a route because they are away. Kept so that coordinators see, in red, a slot
    freed inside the cut-off and who freed it; purged with the absences (`deliveries.absences.purge`)."""

    absence = models.ForeignKey(Absence, on_delete=models.SET_NULL, null=True, related_name="+")
    pickup = models.ForeignKey(Pickup, on_delete=models.CASCADE, null=True, blank=True, related_name="releases")
    route = models.ForeignKey(Route, on_delete=models.CASCADE, null=True, blank=True, related_name="releases")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    as_driver = models.BooleanField(default=False)
    inside_cutoff = models.BooleanField(_("inside the cut-off"), default=False)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["released_at", "pk"]
        indexes = [models.Index(fields=["released_at"], name="deliveries_release_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(pickup__isnull=False, route__isnull=True) | Q(pickup__isnull=True, route__isnull=False),
                name="deliveries_release_pickup_or_route",
            )
        ]

    def __str__(self):
        return _("%(volunteer)s off %(slot)s") % {"volunteer": self.volunteer, "slot": self.pickup or self.route}
