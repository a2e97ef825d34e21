"""Members: their role and trust in each chapter, vouches, the history of memberships, passwords due."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mimac import extensions
from mimac.models.chapters import Chapter
from mimac.models.security import TrailEvent, record

VOUCHES_NEEDED = 2


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    VOLUNTEER = "volunteer", _("Volunteer")
    AUDITOR = "auditor", _("Auditor")


class Trust(models.TextChoices):
    OBSERVING = "observing", _("Observing")
    TRUSTED = "trusted", _("Trusted")


class VouchKind(models.TextChoices):
    TRUST = "trust", _("to be trusted")
    COORDINATOR = "coordinator", _("to become a coordinator")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    trust = models.CharField(_("trust"), max_length=20, choices=Trust.choices, default=Trust.OBSERVING)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    trusted_since = models.DateField(_("trusted since"), null=True, blank=True)
    role_since = models.DateField(_("in this role since"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["chapter", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter"], name="mimac_membership_one_per_chapter"),
            models.CheckConstraint(
                condition=~Q(role=Role.COORDINATOR) | Q(trust=Trust.TRUSTED),
                name="mimac_membership_coordinator_is_trusted",
            ),
            models.CheckConstraint(
                condition=Q(trust=Trust.OBSERVING) | Q(trusted_since__isnull=False),
                name="mimac_membership_trusted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.user.get_username()} ({self.get_role_display()}, {self.chapter.code})"

    @property
    def is_trusted(self) -> bool:
        return self.active and self.trust == Trust.TRUSTED

    @property
    def observation_ends_on(self) -> datetime.date:
        return self.joined_on + datetime.timedelta(days=self.chapter.observation_days)

    def vouchers(self, kind: VouchKind):
        return [vouch.voucher for vouch in self.vouches.all() if vouch.kind == kind]

    def shifts_left(self) -> int:
        """How many more pickups or route shifts with a trusted member the chapter asks of a new member before
        anyone may vouch for them. Apps that hold shifts count them (`extensions.shared_shifts`)."""
        done = sum(count(self) for count in extensions.shared_shifts)
        return max(0, self.chapter.shifts_before_vouching - done)

    def vouch_refusal(self, voucher, kind: VouchKind) -> str | None:
        """Why `voucher` may not vouch for this member now, or None when they may."""
        voucher_membership = voucher.memberships.active().filter(chapter=self.chapter).first()
        if voucher == self.user:
            return _("Nobody can vouch for themselves.")
        if voucher_membership is None or not voucher_membership.is_trusted:
            return _("Only trusted members of this chapter can vouch.")
        if not self.active:
            return _("This membership has ended.")
        if self.vouches.filter(voucher=voucher, kind=kind).exists():
            return _("You have already vouched for this member.")
        if kind == VouchKind.TRUST:
            if self.trust == Trust.TRUSTED:
                return _("This member is already trusted.")
            if timezone.localdate() < self.observation_ends_on:
                return _("The observation period runs until %(date)s; vouching opens then.") % {
                    "date": self.observation_ends_on.isoformat()
                }
            if left := self.shifts_left():
                return ngettext(
                    "%(count)d more pickup or route shift with a trusted member; vouching opens then.",
                    "%(count)d more pickups or route shifts with a trusted member; vouching opens then.",
                    left,
                ) % {"count": left}
        else:
            if voucher_membership.role != Role.COORDINATOR:
                return _("Only trusted coordinators can vouch for a new coordinator.")
            if self.role == Role.COORDINATOR:
                return _("This member is already a coordinator.")
            if self.trust != Trust.TRUSTED:
                return _("Only trusted members can become coordinators.")
        return None

    @transaction.atomic
    def vouch(self, *, by, kind: VouchKind) -> None:
        """Record `by`'s vouch; the second one trusts the member (or makes them a coordinator)."""
        kind = VouchKind(kind)
        locked = Membership.objects.select_for_update(of=("self",)).select_related("chapter").get(pk=self.pk)
        refusal = locked.vouch_refusal(by, kind)
        if refusal:
            raise ValidationError(refusal)
        Vouch.objects.create(membership=locked, voucher=by, kind=kind)
        MembershipEvent.log(locked, by, MembershipEvent.Kind.VOUCHED, kind.label)
        if locked.vouches.filter(kind=kind).count() >= VOUCHES_NEEDED:
            locked.promote(kind, by=by)
        self.refresh_from_db()

    def promote(self, kind: VouchKind, *, by) -> None:
        today = timezone.localdate()
        if kind == VouchKind.TRUST:
            self.trust, self.trusted_since = Trust.TRUSTED, today
            MembershipEvent.log(self, by, MembershipEvent.Kind.TRUSTED)
        else:
            self.role, self.role_since = Role.COORDINATOR, today
            MembershipEvent.log(self, by, MembershipEvent.Kind.PROMOTED, Role.COORDINATOR.label)
        self.save(update_fields=["trust", "trusted_since", "role", "role_since"])

    @transaction.atomic
    def deactivate(self, *, by) -> None:
        """End this membership; with no other active membership, the account is locked at once."""
        self.active, self.ended_on = False, timezone.localdate()
        self.save(update_fields=["active", "ended_on"])
        MembershipEvent.log(self, by, MembershipEvent.Kind.DEACTIVATED)
        user = self.user
        if not user.is_superuser and not user.memberships.active().exists():
            # An inactive user fails authentication on their next request, ending every session.
            user.is_active = False
            user.save(update_fields=["is_active"])


class Vouch(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="vouches")
    voucher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vouches_given")
    kind = models.CharField(max_length=20, choices=VouchKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "voucher", "kind"], name="mimac_vouch_once"),
        ]

    def __str__(self):
        return _("%(voucher)s vouched for %(member)s: %(kind)s") % {
            "voucher": self.voucher,
            "member": self.membership,
            "kind": self.get_kind_display(),
        }


class MembershipEvent(models.Model):
    """Who changed whose membership, and when. Append-only."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        LINK_ISSUED = "link_issued", _("Set-password link issued")
        VOUCHED = "vouched", _("Vouched")
        TRUSTED = "trusted", _("Became trusted")
        PROMOTED = "promoted", _("Role changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        ADMIN_CHANGE = "admin_change", _("Changed by a coalition admin")
        PASSWORD_RESET = "password_reset", _("Temporary password given")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_kind_display()} {self.membership}"

    @classmethod
    def log(cls, membership, actor, kind, detail=""):
        record(TrailEvent.Kind.MEMBERSHIP, actor, membership.chapter, f"membership {membership.pk}: {kind}")
        return cls.objects.create(membership=membership, actor=actor, kind=kind, detail=str(detail))


class PasswordChangeDue(models.Model):
    """A member signed in with a temporary password must choose their own before anything else."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return _("#%(user)s must change their password (since %(day)s)") % {
            "user": self.user_id,
            "day": f"{self.set_at:%Y-%m-%d}",
        }


class LanguagePreference(models.Model):
    """The language a member reads MIMAC in: applied when they sign in (on the shared laptop, the last
    person's choice goes), and changed by the language switcher."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)

    def __str__(self):
        return f"#{self.user_id}: {self.language}"
