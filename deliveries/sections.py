"""What deliveries adds to other apps' pages, through mimac.extensions (registered in apps.py)."""

from deliveries import queries, standing_queries
from mimac import access
from mimac.access import Action

RECENT_STOPS = 10


def household_history(request, household) -> dict:
    """The household page's deliveries: what reached them lately, and the way to what they say they received."""
    return {"recent": queries.recent_stops(household, RECENT_STOPS)}


def household_standing(request, household) -> dict | None:
    """The household page's standing delivery: the arrangement, its standing routes, and pauses not over yet."""
    if household.purged_at is not None:
        return None
    arrangement = standing_queries.arrangement_of(household)
    if arrangement is None:
        return {"arrangement": None} if household.mode == household.Mode.DELIVERY else None
    today = household.chapter.today()
    pauses = list(standing_queries.pauses_ahead(household, today))
    return {
        "arrangement": arrangement,
        "places": household.standing_places.select_related("standing_route").order_by("weekday"),
        "pauses": pauses,
        "paused_now": next((pause for pause in pauses if pause.starts_on <= today), None),
    }


def member_absences(request, membership) -> dict | None:
    """The member page's time away not over yet, for the member and coordinators; nobody else sees it."""
    user = request.user
    if membership.user_id != user.pk and not access.may(user, membership.chapter, Action.MANAGE_ABSENCES):
        return None
    today = membership.chapter.today()
    return {"absences": membership.absences.filter(ends_on__gte=today).order_by("starts_on")}
