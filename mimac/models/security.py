"""The security trail: who did what that matters for safety, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mimac.models.chapters import Chapter


class TrailEvent(models.Model):
    """The security trail: who signed in or failed to, was refused, exported, or changed a household or
    a membership, and when. Never personal data: accounts by id, households by code, no addresses."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Sign-in paused after failures")
        REFUSED = "refused", _("Refused")
        EXPORTED = "exported", _("Exported")
        HOUSEHOLD = "household", _("Household changed")
        MEMBERSHIP = "membership", _("Membership changed")
        PASSWORD = "password", _("Password reset")
        GIVEN_BACK = "given_back", _("Pickup given back")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    chapter = models.ForeignKey(Chapter, on_delete=models.SET_NULL, null=True, related_name="+")
    subject = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.subject} by #{self.actor_id}"


def record(kind: TrailEvent.Kind, actor=None, chapter=None, subject: str = "") -> TrailEvent:
    """Add a line to the security trail. `actor` may be a user not yet saved to the database: then none."""
    actor = actor if getattr(actor, "pk", None) else None
    return TrailEvent.objects.create(kind=kind, actor=actor, chapter=chapter, subject=str(subject)[:120])
