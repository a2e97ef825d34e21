import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mimac.models import Absence, Chapter, Membership, Photo, TrailEvent, Trust, record
from pickups.models import IntakeCheck, IntakeCheckLine, Pickup, PickupAssignment, PickupLine, PickupSchedule, Supplier

HORIZON_WEEKS = 8
# How a give-back's trail line ends when it came after the cut-off.
AFTER_CUTOFF = ", after the cut-off"


@dataclass
class PlanResult:
    created: int = 0
    removed: int = 0

    def __add__(self, other: "PlanResult") -> "PlanResult":
        return PlanResult(self.created + other.created, self.removed + other.removed)


@transaction.atomic
def plan_schedule(
    *, schedule: PickupSchedule, today: datetime.date | None = None, horizon_weeks: int = HORIZON_WEEKS
) -> PlanResult:
    """Make the schedule's pickups from today to the horizon match its recurrence and closures.

    Idempotent. Only future pickups nobody has taken or recorded are replaced; past, recorded and
    taken ones are never touched (a unique constraint also keeps one pickup per schedule and day). A usual
    volunteer is not put on the days they are away, and is again after.
    """
    schedule = (
        PickupSchedule.objects.select_for_update(of=("self",)).select_related("supplier__chapter").get(pk=schedule.pk)
    )
    today = today or schedule.chapter.today()
    last = today + datetime.timedelta(weeks=horizon_weeks)
    wanted = set()
    if schedule.active and schedule.supplier.active:
        wanted = {o.date for o in schedule.occurrences(today, last) if not o.skipped_because}

    future = schedule.pickups.filter(date__gte=today)
    stale = future.untouched().exclude(
        date__in=wanted, hub=schedule.hub, window_start=schedule.window_start, window_end=schedule.window_end
    )
    _, removed = stale.delete()
    existing = set(future.values_list("date", flat=True))
    pickups = Pickup.objects.bulk_create(
        Pickup(
            schedule=schedule,
            supplier=schedule.supplier,
            hub=schedule.hub,
            date=date,
            window_start=schedule.window_start,
            window_end=schedule.window_end,
        )
        for date in sorted(wanted - existing)
    )
    volunteers = list(schedule.default_volunteers.all())
    away = set()
    if pickups and volunteers:
        absences = Absence.objects.filter(membership__chapter=schedule.chapter, membership__user__in=volunteers)
        away = absences.days_away(pickups[0].date, pickups[-1].date)
    PickupAssignment.objects.bulk_create(
        PickupAssignment(pickup=pickup, volunteer=volunteer)
        for pickup in pickups
        for volunteer in volunteers
        if (volunteer.pk, pickup.date) not in away
    )
    return PlanResult(created=len(pickups), removed=removed.get("pickups.Pickup", 0))


def plan_supplier(*, supplier: Supplier) -> PlanResult:
    return _plan_all(supplier.schedules.all())


def plan_chapter(*, chapter: Chapter) -> PlanResult:
    return _plan_all(PickupSchedule.objects.filter(supplier__chapter=chapter))


def plan_everything(*, today: datetime.date | None = None) -> PlanResult:
    return _plan_all(PickupSchedule.objects.all(), today=today)


def _plan_all(schedules, today=None) -> PlanResult:
    return sum((plan_schedule(schedule=schedule, today=today) for schedule in schedules), PlanResult())


class PickupRefused(Exception):
    """An operation on a pickup that its state or the rules do not allow; the message says why."""


def _locked(pickup: Pickup) -> Pickup:
    return Pickup.objects.select_for_update(of=("self",)).select_related("supplier__chapter").get(pk=pickup.pk)


def _trusted_on(pickup: Pickup, *, leaving=None) -> bool:
    volunteers = [a.volunteer_id for a in pickup.assignments.all() if a.volunteer_id != getattr(leaving, "pk", None)]
    chapter = pickup.supplier.chapter
    return Membership.objects.active().filter(chapter=chapter, user__in=volunteers, trust=Trust.TRUSTED).exists()


def _check_not_alone(pickup: Pickup, volunteer) -> None:
    membership = Membership.objects.active().filter(chapter=pickup.supplier.chapter, user=volunteer).first()
    if membership is None:
        raise PickupRefused(_("Only active members of the chapter can be on its pickups."))
    if not membership.is_trusted and not _trusted_on(pickup):
        raise PickupRefused(
            _("New members go on pickups together with a trusted member: a trusted member must be on it first.")
        )


def overlapping(pickup: Pickup, volunteer) -> list[Pickup]:
    """The volunteer's other pickups that day whose windows overlap this one's."""
    return list(Pickup.objects.overlapping(pickup).filter(assignments__volunteer=volunteer).select_related("supplier"))


@transaction.atomic
def put_on_pickup(*, pickup: Pickup, volunteer, by) -> list[Pickup]:
    """A volunteer takes a pickup (by=themselves) or a coordinator assigns one. Returns double-bookings."""
    pickup = _locked(pickup)
    if pickup.status != Pickup.Status.SCHEDULED or pickup.date < pickup.chapter.today():
        raise PickupRefused(_("This pickup is no longer open."))
    if pickup.assignments.filter(volunteer=volunteer).exists():
        raise PickupRefused(_("%(name)s is already on this pickup.") % {"name": _name(volunteer)})
    _check_not_alone(pickup, volunteer)
    if Absence.objects.filter(membership__chapter=pickup.chapter, membership__user=volunteer).on(pickup.date).exists():
        raise PickupRefused(_("%(name)s is away that day.") % {"name": _name(volunteer)})
    PickupAssignment.objects.create(pickup=pickup, volunteer=volunteer, assigned_by=by)
    return overlapping(pickup, volunteer)


def give_back_refusal(pickup: Pickup, volunteer, *, coordinator: bool) -> str | None:
    """Why `volunteer` may not come off this pickup now, if they may not. A volunteer gives a pickup back
    before the cut-off; a coordinator may take anyone off at any time."""
    if pickup.status != Pickup.Status.SCHEDULED:
        return _("This pickup is no longer open.")
    if coordinator:
        return None
    if timezone.now() >= pickup.give_back_deadline():
        return ngettext(
            "It is less than %(hours)d hour before the pickup: ask a coordinator to find someone else.",
            "It is less than %(hours)d hours before the pickup: ask a coordinator to find someone else.",
            pickup.chapter.pickup_cutoff_hours,
        ) % {"hours": pickup.chapter.pickup_cutoff_hours}
    if pickup.assignments.exclude(volunteer=volunteer).exists() and not _trusted_on(pickup, leaving=volunteer):
        return _("A new member would be left alone on this pickup: ask a coordinator.")
    return None


@transaction.atomic
def take_off_pickup(*, pickup: Pickup, volunteer, by, coordinator: bool) -> None:
    pickup = _locked(pickup)
    assignment = pickup.assignments.filter(volunteer=volunteer).first()
    if assignment is None:
        raise PickupRefused(_("%(name)s is not on this pickup.") % {"name": _name(volunteer)})
    refusal = give_back_refusal(pickup, volunteer, coordinator=coordinator)
    if refusal:
        raise PickupRefused(refusal)
    assignment.delete()
    # The trail keeps who came off which pickup, and whether after the cut-off, for the member's track record.
    late = timezone.now() >= pickup.give_back_deadline()
    record(TrailEvent.Kind.GIVEN_BACK, by, pickup.chapter, given_back_subject(pickup.pk, volunteer.pk, late=late))


def given_back_subject(pickup_pk: int, volunteer_pk: int, *, late: bool) -> str:
    """The trail line of a give-back (accounts by id, as the trail keeps them); `queries.given_back` reads it."""
    return f"pickup {pickup_pk} given back by #{volunteer_pk}{AFTER_CUTOFF if late else ''}"


@transaction.atomic
def record_done(*, pickup: Pickup, by, arrived_at, lines, photo=None, note="") -> Pickup:
    """Record what came in. Refused if someone recorded it meanwhile: nothing is saved halfway."""
    pickup = _check_recordable(_locked(pickup))
    if photo:
        pickup.photo = Photo.objects.create(chapter=pickup.chapter, image=photo, uploaded_by=by)
    PickupLine.objects.bulk_create(
        PickupLine(pickup=pickup, category=category, quantity=quantity, recorded_by=by) for category, quantity in lines
    )
    return _close(pickup, by, status=Pickup.Status.DONE, arrived_at=arrived_at, note=note)


@transaction.atomic
def record_missed(*, pickup: Pickup, by, reason: str, note="") -> Pickup:
    pickup = _check_recordable(_locked(pickup))
    return _close(pickup, by, status=Pickup.Status.MISSED, missed_reason=reason, note=note)


def _check_recordable(pickup: Pickup) -> Pickup:
    if pickup.status == Pickup.Status.CANCELLED:
        raise PickupRefused(_("This pickup was cancelled, so there is nothing to record."))
    if pickup.status != Pickup.Status.SCHEDULED:
        raise PickupRefused(
            _("%(name)s already recorded this pickup at %(time)s. Nothing of yours was saved: compare below.")
            % {
                "name": _name(pickup.recorded_by),
                "time": f"{timezone.localtime(pickup.recorded_at, pickup.chapter.zone):%H:%M}",
            }
        )
    if pickup.date > pickup.chapter.today():
        raise PickupRefused(_("This pickup is on %(date)s: record it once it has happened.") % {"date": pickup.date})
    return pickup


def _close(pickup: Pickup, by, **fields) -> Pickup:
    for name, value in fields.items():
        setattr(pickup, name, value)
    pickup.recorded_by, pickup.recorded_at = by, timezone.now()
    pickup.save()
    return pickup


def _name(user) -> str:
    return user.first_name or user.username


def intake_check_refusal(pickup: Pickup, by) -> str | None:
    """Why `by` may not make the second count of this pickup, if they may not."""
    if pickup.status != Pickup.Status.DONE:
        return _("Only a pickup that came in can be counted again.")
    done = IntakeCheck.objects.filter(pickup=pickup).select_related("recorded_by").first()
    if done:
        time = f"{timezone.localtime(done.recorded_at, pickup.chapter.zone):%Y-%m-%d %H:%M}"
        return _("%(name)s counted this pickup already, at %(time)s.") % {"name": _name(done.recorded_by), "time": time}
    if by == pickup.recorded_by or pickup.assignments.filter(volunteer=by).exists():
        return _("The second count is made by someone who neither brought in nor recorded this pickup.")
    return None


@transaction.atomic
def check_intake(*, pickup: Pickup, by, lines) -> IntakeCheck:
    """A second member's own count of what came in, made without seeing the recorded lines."""
    pickup = _locked(pickup)
    refusal = intake_check_refusal(pickup, by)
    if refusal:
        raise PickupRefused(refusal)
    check = IntakeCheck.objects.create(pickup=pickup, recorded_by=by)
    IntakeCheckLine.objects.bulk_create(
        IntakeCheckLine(check_of=check, category=category, quantity=quantity, recorded_by=by)
        for category, quantity in lines
    )
    return check
