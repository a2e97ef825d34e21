"""What the home pages read: each chapter's day as the member's role there sees it."""

from django.db.models import Q

from deliveries import cover_queries, standing_queries
from deliveries.models import Route
from mimac import access
from mimac.models import Membership, Role
from pickups.models import Pickup
from pickups.queries import with_volunteers


def chapter_day(membership: Membership, user) -> dict:
    """A coordinator's whole day in the chapter, a volunteer's own part of it; an auditor's nothing."""
    chapter, standing = membership.chapter, access.standing(membership)
    day = {"membership": membership, "standing": standing, "chapter": chapter}
    if standing == Role.AUDITOR:
        return day
    day["needs_cover"] = cover_queries.needing_cover(chapter)
    today = chapter.today()
    pickups = Pickup.objects.filter(supplier__chapter=chapter).on(today)
    routes = Route.objects.filter(chapter=chapter, date=today)
    if standing != Role.COORDINATOR:
        pickups = pickups.filter(assignments__volunteer=user)
        routes = routes.filter(Q(driver=user) | Q(helpers=user), status=Route.Status.PUBLISHED).distinct()
    day["pickups"] = with_volunteers(pickups)
    day["routes"] = routes.select_related("driver").prefetch_related("helpers", "stops")
    if standing == Role.COORDINATOR:
        day["sheets_missing"] = Route.objects.filter(chapter=chapter).sheet_missing(today)
        day["standing_deliveries"] = standing_queries.standing_day(chapter)
        day["late_releases"] = cover_queries.late_releases(chapter).count()
    return day


def on_a_route_today(user) -> bool:
    """Whether the user drives or helps on a published route today in a chapter where they volunteer."""
    return any(
        Route.objects.filter(chapter=m.chapter, date=m.chapter.today(), status=Route.Status.PUBLISHED)
        .filter(Q(driver=user) | Q(helpers=user))
        .exists()
        for m in access.memberships_of(user)
        if access.standing(m) in {Role.VOLUNTEER, access.OBSERVING}
    )
