"""The cover board's reads: every pickup and route of the coming days that nobody (or nobody trusted) covers."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from deliveries.models import Release, Route
from mimac.models import Absence, Chapter, Membership, Trust
from pickups.models import Pickup, PickupAssignment

COVER_DAYS = 14
LINKS = {"pickup": "pickups:pickup_detail", "route": "deliveries:route_detail"}


@dataclass
class Opening:
    """A pickup or a route that needs someone, as one row of the board. The day's label and the row's link are made
    once per board (`openings`), not per row in the template: the board may hold hundreds of rows."""

    kind: str  # "pickup" or "route"
    item: Pickup | Route
    day_label: str = ""
    url: str = ""
    people: list = field(default_factory=list)
    releases: list = field(default_factory=list)

    @property
    def date(self) -> datetime.date:
        return self.item.date

    @property
    def start(self) -> datetime.time | None:
        return self.item.window_start if self.kind == "pickup" else None

    @property
    def key(self) -> str:
        """What the board's one form sends for "I'll take it": the row's kind and id."""
        return f"{self.kind}-{self.item.pk}"

    @property
    def late(self) -> bool:
        """Freed inside the cut-off: shown in red to coordinators."""
        return any(release.inside_cutoff for release in self.releases)


def days(chapter: Chapter) -> tuple[datetime.date, datetime.date]:
    today = chapter.today()
    return today, today + datetime.timedelta(days=COVER_DAYS - 1)


def _releases() -> Prefetch:
    return Prefetch("releases", queryset=Release.objects.select_related("volunteer", "released_by"))


def open_pickups(chapter: Chapter, hub=None) -> QuerySet:
    """Open pickups of the coming days with no trusted member on them (a new member never goes alone); today's only
    while their window is still open."""
    first, last = days(chapter)
    now = timezone.localtime(timezone.now(), chapter.zone).time()
    trusted = Membership.objects.active().filter(chapter=chapter, trust=Trust.TRUSTED).values("user")
    covered = PickupAssignment.objects.filter(pickup=OuterRef("pk"), volunteer__in=trusted)
    pickups = (
        Pickup.objects.filter(supplier__chapter=chapter, status=Pickup.Status.SCHEDULED)
        .between(first, last)
        .exclude(date=first, window_end__lte=now)
        .filter(~Exists(covered))
    )
    return pickups.filter(hub=hub) if hub else pickups


def open_routes(chapter: Chapter, hub=None) -> QuerySet:
    """Routes of the coming days, draft or published, that nobody drives."""
    first, last = days(chapter)
    routes = Route.objects.filter(
        chapter=chapter,
        date__range=(first, last),
        driver__isnull=True,
        status__in=[Route.Status.DRAFT, Route.Status.PUBLISHED],
    )
    return routes.filter(hub=hub) if hub else routes


def opening_keys(chapter: Chapter, hub=None) -> list[tuple]:
    """Every opening as (date, start, kind, id), soonest first (a day's routes before its pickups: they leave in the
    morning). Light rows, so that a board of hundreds is sorted and paged before any is read in full."""
    pickups = open_pickups(chapter, hub).values_list("date", "window_start", "pk")
    routes = open_routes(chapter, hub).values_list("date", "pk")
    keys = [(date, start or datetime.time.min, "pickup", pk) for date, start, pk in pickups]
    keys += [(date, datetime.time.min, "route", pk) for date, pk in routes]
    return sorted(keys)


def openings(chapter: Chapter, hub=None, keys: list[tuple] | None = None) -> list[Opening]:
    """The openings of `keys` (by default all of the board), in their order, each with its people and what freed
    it. The same queries for any number of rows."""
    keys = opening_keys(chapter, hub) if keys is None else keys
    wanted = {kind: [pk for *_when, each, pk in keys if each == kind] for kind in LINKS}
    assignments = PickupAssignment.objects.select_related("volunteer").order_by("pk")
    pickups = (
        Pickup.objects.filter(pk__in=wanted["pickup"])
        .select_related("supplier", "hub")
        .prefetch_related(Prefetch("assignments", queryset=assignments), _releases())
    )
    routes = (
        Route.objects.filter(pk__in=wanted["route"])
        .select_related("hub")
        .annotate(stop_count=Count("stops"))
        .prefetch_related("helpers", _releases())
    )
    found = {("pickup", pickup.pk): Opening("pickup", pickup) for pickup in pickups}
    found |= {("route", route.pk): Opening("route", route) for route in routes}
    rows = [found[kind, pk] for *_when, kind, pk in keys if (kind, pk) in found]
    links = {kind: reverse(name, args=[0]).removesuffix("0/") for kind, name in LINKS.items()}
    labels = {}
    for row in rows:
        if row.date not in labels:
            labels[row.date] = date_format(row.date, "D m-d")
        row.day_label, row.url = labels[row.date], f"{links[row.kind]}{row.item.pk}/"
        row.releases = list(row.item.releases.all())
        if row.kind == "pickup":
            row.people = [assignment.volunteer for assignment in row.item.assignments.all()]
        else:
            row.people = list(row.item.helpers.all())
    return rows


def needing_cover(chapter: Chapter) -> int:
    """How many rows the chapter's cover board has: for the home page."""
    return open_pickups(chapter).count() + open_routes(chapter).count()


def away(chapter: Chapter) -> QuerySet:
    """Who is away in the board's days, for coordinators."""
    first, last = days(chapter)
    absences = Absence.objects.filter(membership__chapter=chapter).overlapping(first, last)
    return absences.select_related("membership__user").order_by("starts_on", "pk")


def late_releases(chapter: Chapter) -> QuerySet:
    """Slots freed inside the cut-off that still need someone, for the coordinator's home."""
    return Release.objects.filter(inside_cutoff=True).filter(
        Q(pickup__in=open_pickups(chapter)) | Q(route__in=open_routes(chapter))
    )
