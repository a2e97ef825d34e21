"""Time away and cover: recording a member's absence frees their pickups and routes in it at once, and the
cover board's "I'll take it" fills them again.

Mimac keeps the `Absence` (who, from, to) and may not know what it frees: pickups and routes live above it, so the
release is here, where both are in reach. What the planners do on days away is theirs (`pickups.services`,
`deliveries.planner`): they leave an absent member out on those days only.
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from deliveries import planner
from deliveries.models import Release, Route
from deliveries.services import RouteRefused, publish_problems
from mimac.models import Absence, Membership, TrailEvent, record
from pickups.models import Pickup, PickupAssignment


@dataclass
class Released:
    """What recording an absence did: the pickups and routes it freed, and the routes under way it left alone."""

    pickups: list[Pickup] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    under_way: list[Route] = field(default_factory=list)


@transaction.atomic
def record_absence(*, membership: Membership, starts_on: datetime.date, ends_on: datetime.date, by) -> Released:
    """The member is away from `starts_on` to `ends_on`: recorded (the model refuses what cannot be), then their
    slots in it freed, even inside the cut-off."""
    absence = Absence(membership=membership, starts_on=starts_on, ends_on=ends_on, recorded_by=by)
    absence.full_clean()
    absence.save()
    subject = f"member {membership.pk} away {starts_on:%Y-%m-%d} to {ends_on:%Y-%m-%d}"
    record(TrailEvent.Kind.MEMBERSHIP, by, membership.chapter, subject)
    return release(absence=absence, by=by)


def release(*, absence: Absence, by) -> Released:
    """Take the member off their open pickups and their routes not under way, from the absence's first day to its
    last. A published route that loses its driver goes back to draft: its other people no longer count on it."""
    membership, now = absence.membership, timezone.now()
    chapter, user = membership.chapter, membership.user
    days = (absence.starts_on, absence.ends_on)
    released, rows = Released(), []
    assignments = (
        PickupAssignment.objects.filter(volunteer=user, pickup__supplier__chapter=chapter, pickup__date__range=days)
        .filter(pickup__status=Pickup.Status.SCHEDULED)
        .select_related("pickup__supplier__chapter", "pickup__hub")
    )
    assignments = list(assignments.select_for_update(of=("self",)))
    for assignment in assignments:
        pickup = assignment.pickup
        released.pickups.append(pickup)
        inside = now >= pickup.give_back_deadline()
        rows.append(Release(absence=absence, pickup=pickup, volunteer=user, inside_cutoff=inside, released_by=by))
    PickupAssignment.objects.filter(pk__in=[assignment.pk for assignment in assignments]).delete()

    theirs = (
        Route.objects.filter(chapter=chapter, date__range=days, status__in=[Route.Status.DRAFT, Route.Status.PUBLISHED])
        .filter(Q(driver=user) | Q(helpers=user))
        .values("pk")
    )
    routes = Route.objects.select_for_update(of=("self",)).select_related("chapter").filter(pk__in=theirs)
    for route in routes.order_by("date", "pk"):
        if _under_way(route):
            released.under_way.append(route)
            continue
        released.routes.append(route)
        driving = route.driver_id == user.pk
        fields = {"version": F("version") + 1}
        if driving:
            fields["driver"] = None
            if route.status == Route.Status.PUBLISHED:
                fields["status"] = Route.Status.DRAFT
        Route.objects.filter(pk=route.pk).update(**fields)
        route.helpers.remove(user)
        inside = now >= route_cutoff(route)
        rows.append(
            Release(absence=absence, route=route, volunteer=user, as_driver=driving, inside_cutoff=inside,
                    released_by=by)
        )  # fmt: skip
    Release.objects.bulk_create(rows)
    return released


def _under_way(route: Route) -> bool:
    """A route whose day has begun for its people: a stop recorded or the load-out counted. Left as it is."""
    return route.stops.exclude(outcome="").exists() or route.loads.exists()


def route_cutoff(route: Route) -> datetime.datetime:
    """From when leaving a route is late: the chapter's pickup cut-off before the start of the route's day."""
    start = datetime.datetime.combine(route.date, datetime.time(), tzinfo=route.chapter.zone)
    return start - datetime.timedelta(hours=route.chapter.pickup_cutoff_hours)


class AbsenceRefused(Exception):
    """An absence that cannot be ended; the message says why."""


@transaction.atomic
def end_absence(*, absence: Absence, by) -> Absence | None:
    """They are back: an absence not begun yet (or begun today) is deleted, one under way ends yesterday. What it
    freed stays free (someone may have taken it); drafts nobody edited get their usual people back."""
    membership = absence.membership
    chapter = membership.chapter
    today = chapter.today()
    if absence.ends_on < today:
        raise AbsenceRefused(_("This time away is over already."))
    first, last = max(absence.starts_on, today), min(absence.ends_on, absence_horizon(chapter))
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    if absence.starts_on >= today:
        absence.delete()
        absence, what = None, "cancelled"
    else:
        absence.ends_on = today - datetime.timedelta(days=1)
        absence.save(update_fields=["ends_on"])
        what = "ended"
    record(TrailEvent.Kind.MEMBERSHIP, by, chapter, f"member {membership.pk} time away {what}")
    planner.plan_days(chapter=chapter, days=days)
    return absence


def absence_horizon(chapter) -> datetime.date:
    """The last day the delivery planner drafts for the chapter."""
    return planner.horizon(chapter)[-1]


@transaction.atomic
def take_route(*, route: Route, by) -> Route:
    """A trusted member drives a route nobody drives, from the cover board. A route that went back to draft when
    its driver left is published again, if nothing else stops it; the planner leaves it to them now."""
    route = Route.objects.select_for_update(of=("self",)).select_related("chapter").get(pk=route.pk)
    if route.status == Route.Status.DONE or route.date < route.chapter.today():
        raise RouteRefused(_("This route is no longer open."))
    if route.driver_id is not None:
        raise RouteRefused(_("Someone took this route already."))
    if Absence.objects.filter(membership__chapter=route.chapter, membership__user=by).on(route.date).exists():
        raise RouteRefused(_("You are away that day."))
    route.helpers.remove(by)
    route.driver, route.edited_by = by, by
    fields = ["driver", "edited_by"]
    if route.status == Route.Status.DRAFT and route.published_at is not None and not publish_problems(route):
        route.status = Route.Status.PUBLISHED
        fields.append("status")
    route.save(update_fields=fields)
    return route


def purge(*, before: datetime.date, apply: bool) -> int:
    """Forget absences that ended before `before`, and what they freed that long ago. How many absences."""
    old = Absence.objects.filter(ends_on__lt=before)
    count = old.count()
    if apply:
        cutoff = datetime.datetime.combine(before, datetime.time(), tzinfo=datetime.UTC)
        Release.objects.filter(Q(absence__in=old) | Q(released_at__lt=cutoff)).delete()
        old.delete()
    return count


def purge_for_retention(apply: bool) -> str:
    """The retention purge's line for time away (registered in `mimac.extensions.retention_purges`): kept as long
    as the security trail, the period a member's track record looks back on."""
    before = timezone.localdate() - relativedelta(months=settings.TRAIL_RETENTION_MONTHS)
    count = purge(before=before, apply=apply)
    verb = "Erased" if apply else "Would erase (dry run; add --apply)"
    return f"{verb}: {count} members' absences that ended before {before}."
