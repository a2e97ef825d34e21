"""What standing deliveries show: a household's arrangement and pauses, who resumes soon, what the planner could
not do, and the households a standing route can take."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from deliveries.models import DeliveryArrangement, Pause, PlanNote, Route, StandingRoute, StandingStop, Stop
from mimac.models import Chapter
from recipients.models import Household

WEEK = datetime.timedelta(days=7)


def arrangement_of(household: Household) -> DeliveryArrangement | None:
    return (
        DeliveryArrangement.objects.filter(household=household)
        .select_related("hub")
        .prefetch_related("usual_items__category")
        .first()
    )


def pauses_ahead(household: Household, today: datetime.date) -> QuerySet:
    """The household's pauses not over yet: the one under way, then those to come."""
    return household.delivery_pauses.filter(ends_on__gte=today).select_related("recorded_by")


def resuming_this_week(chapter: Chapter, today: datetime.date) -> QuerySet:
    """Pauses that end so that deliveries start again in the coming seven days (today included)."""
    return (
        Pause.objects.filter(household__chapter=chapter, ends_on__gte=today - datetime.timedelta(days=1))
        .filter(ends_on__lt=today + WEEK - datetime.timedelta(days=1))
        .select_related("household__chapter")
        .order_by("ends_on", "household__number")
    )


def paused_on_published(chapter: Chapter, today: datetime.date) -> QuerySet:
    """Stops not yet recorded on published routes from today on, on a day their household is paused: the planner
    never takes them off, so a coordinator decides (back to draft, or a word with the driver)."""
    pausing = Pause.objects.filter(
        household=OuterRef("household"), starts_on__lte=OuterRef("route__date"), ends_on__gte=OuterRef("route__date")
    )
    return (
        Stop.objects.filter(route__chapter=chapter, route__status=Route.Status.PUBLISHED, route__date__gte=today)
        .alias(then_paused=Exists(pausing))
        .filter(outcome="", then_paused=True)
        .select_related("household__chapter", "route")
        .order_by("route__date", "route__name", "sequence")
    )


def notes(chapter: Chapter, today: datetime.date, kind: str) -> QuerySet:
    """What the planner noted from today on: households due on no standing route, or stops it left alone."""
    return (
        PlanNote.objects.filter(chapter=chapter, kind=kind, date__gte=today)
        .select_related("household__chapter", "route")
        .order_by("date", "household__number")
    )


@dataclass
class StandingDay:
    """The coordinator's home: what standing deliveries need of them in a chapter."""

    unplaced: list
    left_alone: list
    paused_on_published: list
    resuming: list

    def __bool__(self):
        return bool(self.unplaced or self.left_alone or self.paused_on_published or self.resuming)


# Each list on the home page shows at most this many; the standing routes page has them all.
HOME_LIMIT = 20


def standing_day(chapter: Chapter) -> StandingDay:
    today = chapter.today()
    return StandingDay(
        unplaced=list(notes(chapter, today, PlanNote.Kind.UNPLACED)[:HOME_LIMIT]),
        left_alone=list(notes(chapter, today, PlanNote.Kind.LEFT_ALONE)[:HOME_LIMIT]),
        paused_on_published=list(paused_on_published(chapter, today)[:HOME_LIMIT]),
        resuming=list(resuming_this_week(chapter, today)[:HOME_LIMIT]),
    )


def standing_routes(chapter: Chapter) -> QuerySet:
    return (
        StandingRoute.objects.filter(chapter=chapter)
        .select_related("hub", "driver")
        .prefetch_related("helpers", "places")
        .order_by("-active", "weekday", "name")
    )


def places_of(standing_route: StandingRoute) -> list[StandingStop]:
    """Its households in order, each with `warnings`: what keeps it off the drafts or may surprise its driver."""
    today = standing_route.chapter.today()
    places = standing_route.places.select_related("household__chapter", "household__arrangement__hub").prefetch_related(
        Prefetch("household__delivery_pauses", queryset=Pause.objects.filter(ends_on__gte=today), to_attr="ahead")
    )
    places = list(places)
    for place in places:
        place.warnings = _warnings(place, standing_route, today)
    return places


def _warnings(place: StandingStop, standing_route: StandingRoute, today: datetime.date) -> list[str]:
    household = place.household
    arrangement = getattr(household, "arrangement", None)
    if household.status != Household.Status.ACTIVE or household.mode != Household.Mode.DELIVERY:
        return [_("Not an active delivery household: never drafted.")]
    if arrangement is None:
        return [_("No standing delivery: never drafted.")]
    warnings = []
    weekdays = {day.weekday() for day in arrangement.due_between(today, today + PREVIEW_HORIZON)}
    if standing_route.weekday not in weekdays:
        warnings.append(
            _("Not due on %(weekday)s: %(recurrence)s.")
            % {"weekday": standing_route.get_weekday_display(), "recurrence": arrangement.recurrence_text}
        )
    if arrangement.hub_id != standing_route.hub_id:
        warnings.append(_("Their food comes from %(hub)s.") % {"hub": arrangement.hub.name})
    for pause in household.ahead:
        warnings.append(
            _("Paused %(first)s to %(last)s.")
            % {"first": pause.starts_on.isoformat(), "last": pause.ends_on.isoformat()}
        )
    return warnings


def candidates(standing_route: StandingRoute) -> QuerySet:
    """Active delivery households of the chapter with an arrangement, not on a standing route that weekday."""
    taken = StandingStop.objects.filter(weekday=standing_route.weekday).values("household")
    return (
        Household.objects.filter(
            chapter=standing_route.chapter,
            status=Household.Status.ACTIVE,
            mode=Household.Mode.DELIVERY,
            arrangement__isnull=False,
        )
        .exclude(pk__in=taken)
        .select_related("chapter", "arrangement__hub")
        .order_by("address", "number")
    )


# How many dates an arrangement's preview lists, and how far ahead it looks.
PREVIEW_DATES = 12
PREVIEW_HORIZON = datetime.timedelta(weeks=12)


@dataclass(frozen=True)
class PreviewDay:
    date: datetime.date
    skipped_because: str = ""
    route: str = ""


def preview(arrangement: DeliveryArrangement, today: datetime.date) -> list[PreviewDay]:
    """The next days an arrangement gives, each with why it is skipped (a closure day, a pause) or the standing
    route it goes on, as the planner will see them."""
    household = arrangement.household
    first = max(today, arrangement.starts_on)
    days = arrangement.due_between(first, first + PREVIEW_HORIZON)[:PREVIEW_DATES]
    if not days:
        return []
    closures = dict(
        household.chapter.closure_days.filter(date__range=(days[0], days[-1])).values_list("date", "reason")
    )
    pauses = list(Pause.objects.filter(household=household).overlapping(days[0], days[-1])) if household.pk else []
    routes = {}
    if household.pk:
        routes = dict(household.standing_places.values_list("weekday", "standing_route__name"))
    result = []
    for day in days:
        pause = next((pause for pause in pauses if pause.starts_on <= day <= pause.ends_on), None)
        if day in closures:
            why = _("chapter closed: %(reason)s") % {"reason": closures[day] or _("holiday")}
        elif pause:
            why = _("paused: %(reason)s") % {"reason": pause.get_reason_display()}
        else:
            why = ""
        result.append(PreviewDay(day, why, routes.get(day.weekday(), "")))
    return result
