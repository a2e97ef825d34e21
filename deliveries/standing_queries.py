"""What standing deliveries show: a household's arrangement and pauses, who resumes soon, what the planner could
not do, and the households a standing route can take."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

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
        .filter(outcome="", then_paused=True)
        .alias(then_paused=Exists(pausing))
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
    """Its households in order, each with its arrangement and the pause it is on today, if any."""
    today = standing_route.chapter.today()
    places = standing_route.places.select_related("household__chapter", "household__arrangement").prefetch_related(
        Prefetch("household__delivery_pauses", queryset=Pause.objects.filter(ends_on__gte=today), to_attr="ahead")
    )
    return list(places)


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
