import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mimac import extensions
from mimac.photos import PhotoField
from mimac.quantities import Quantity

VOUCHES_NEEDED = 2


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
        return f"{self.voucher} vouched for {self.membership} {self.get_kind_display()}"


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


class Unit(models.TextChoices):
    POUND = "lb", _("lb")
    ITEM = "item", _("item")


# The most one ledger line may hold; more is almost surely a slip (an extra zero).
MAX_LINE_QUANTITY = {Unit.POUND: Decimal("5000"), Unit.ITEM: Decimal("5000")}


class Category(models.Model):
    """What moves. Each category has exactly one unit, and quantities are never added across units.

    The name is what people read and may be reworded; the code is what rules (planning, later kits and
    translations) know the category by, so it never changes once the category exists."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A short fixed name the planning rules know the category by, such as dry-goods."),
        error_messages={"unique": _("Another category already has this code: each category needs its own.")},
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    is_food = models.BooleanField(_("food"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_food", "name"]
        verbose_name_plural = _("categories")
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="mimac_category_code_not_empty")]

    def __str__(self):
        return f"{self.name} ({self.get_unit_display()})"

    @classmethod
    def free_code(cls, name: str) -> str:
        """A code made from the name that no category has yet: produce, then produce-2, …"""
        length = cls._meta.get_field("code").max_length
        base = slugify(name)[:length] or "category"
        code, number = base, 1
        while cls.objects.filter(code=code).exists():
            number += 1
            suffix = f"-{number}"
            code = base[: length - len(suffix)] + suffix
        return code

    def quantity(self, amount) -> Quantity:
        return Quantity(Decimal(amount), self.unit)


class Photo(models.Model):
    """An evidence photo (food, a scale reading, spoiled stock): never of people, never with metadata."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="photos")
    image = PhotoField(_("photo"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.chapter.code} photo {self.pk} ({self.uploaded_at:%Y-%m-%d})"


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


class PasswordChangeDue(models.Model):
    """A member signed in with a temporary password must choose their own before anything else."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"#{self.user_id} must change their password (since {self.set_at:%Y-%m-%d})"
