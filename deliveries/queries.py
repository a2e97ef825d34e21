from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)

from deliveries.models import DeliveryLine, HouseholdReport, PlannedItem, Route, RouteLoad, Stop
from deliveries.planning import conflicts
from mimac.models import Category
from recipients.models import Household

ZERO = Decimal(0)


@dataclass
class PlannedStop:
    stop: Stop
    number: int
    items: list[PlannedItem]
    clashes: dict[str, list[str]]  # category code → diet or allergy warnings

    @property
    def warnings(self) -> list[str]:
        return [warning for warnings in self.clashes.values() for warning in warnings]

    @property
    def lines(self) -> list[tuple[PlannedItem, list[str]]]:
        """Each planned item with the warnings about it, to print beside it."""
        return [(item, self.clashes.get(item.category.code, [])) for item in self.items]


def planned_stops(route: Route, *, diet: bool = True) -> list[PlannedStop]:
    """The route's stops in order, each with its planned items and diet (unless not `diet`) or allergy warnings."""
    items = PlannedItem.objects.select_related("category").order_by("category__name")
    stops = route.stops.select_related("household__chapter").prefetch_related(Prefetch("planned_items", queryset=items))
    result = []
    for number, stop in enumerate(stops, start=1):
        planned = list(stop.planned_items.all())
        clashes = conflicts(stop.household, [item.category for item in planned], diet=diet)
        result.append(PlannedStop(stop, number, planned, clashes))
    return result


def candidates(route: Route, filters: dict) -> QuerySet:
    """Active delivery households of the chapter not yet on any route that day."""
    busy = Stop.objects.filter(route__date=route.date).values("household")
    households = Household.objects.filter(
        chapter=route.chapter, status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY
    ).exclude(pk__in=busy)
    if filters.get("area"):
        households = households.filter(address__icontains=filters["area"])
    if filters.get("window"):
        households = households.filter(delivery_window__in=[filters["window"], Household.Window.ANY])
    need = filters.get("need")
    if need:
        households = households.filter(
            Q(dietary_needs__icontains=f'"{need}"') | Q(non_food_needs__icontains=f'"{need}"')
        )
    return households.select_related("chapter").order_by("address", "number")


def reports_with_flags(reports: QuerySet) -> QuerySet:
    """Reports, each with `contradicts`: the household says less or nothing came, but a stop that day
    was marked delivered. Those go to the audit."""
    delivered = Stop.objects.filter(
        household=OuterRef("household"), route__date=OuterRef("date"), outcome=Stop.Outcome.DELIVERED
    )
    contradicting = Q(kind__in=[HouseholdReport.Kind.NOTHING, HouseholdReport.Kind.LESS])
    return reports.annotate(delivered_that_day=Exists(delivered)).annotate(
        contradicts=ExpressionWrapper(contradicting & Q(delivered_that_day=True), output_field=BooleanField())
    )


def recent_stops(household: Household, limit: int) -> QuerySet:
    """The household's last recorded stops, newest first, with what was handed over."""
    return (
        Stop.objects.filter(household=household)
        .exclude(outcome="")
        .select_related("route")
        .prefetch_related("delivered_lines__category")
        .order_by("-route__date")[:limit]
    )


@dataclass
class RouteBalance:
    """What a route carried of one category against what its stops delivered, from the rows that count. The one
    balance the route's page and the audit both show; the page also names the stop where it went over."""

    route_id: int
    category: Category
    loaded: Decimal
    returned: Decimal
    delivered: Decimal
    over_at: Stop | None = None

    @property
    def carried(self) -> Decimal:
        return self.loaded - self.returned

    @property
    def unaccounted(self) -> Decimal:
        return self.carried - self.delivered


def delivered_per_route(routes: QuerySet) -> dict[tuple[int, int], Decimal]:
    """What the stops of each route delivered, per (route, category): the rows that count."""
    lines = DeliveryLine.objects.newest().filter(stop__route__in=routes).values_list("stop__route", "category")
    return {(route, category): total for route, category, total in lines.annotate(Sum("quantity")).order_by()}


def route_balances(routes: QuerySet, delivered: dict | None = None) -> list[RouteBalance]:
    """Per route and category that was loaded out or delivered: loaded, brought back and delivered, in a few
    queries however many routes there are. `delivered` is `delivered_per_route` of these routes (or more),
    where the caller has summed it already: the audit does for its figures, and a year's lines are many."""
    per_direction = {d: Sum("quantity", filter=Q(direction=d), default=ZERO) for d in RouteLoad.Direction.values}
    loads = RouteLoad.objects.newest().filter(route__in=routes).values_list("route", "category")
    moved = {
        (route, category): (out, back) for route, category, out, back in loads.annotate(**per_direction).order_by()
    }
    if delivered is None:
        given = delivered_per_route(routes)
    else:
        ids = set(routes.values_list("pk", flat=True))
        given = {key: total for key, total in delivered.items() if key[0] in ids}
    categories = Category.objects.in_bulk({category for _route, category in moved.keys() | given.keys()})
    return [
        RouteBalance(
            route, categories[category], *moved.get((route, category), (ZERO, ZERO)), given.get((route, category), ZERO)
        )
        for route, category in sorted(moved.keys() | given.keys(), key=lambda key: (key[0], categories[key[1]].name))
    ]


def load_balance(route: Route) -> list[RouteBalance]:
    """The route's balance per category, each naming the stop where deliveries passed what the route carried."""
    balances = {balance.category.pk: balance for balance in route_balances(Route.objects.filter(pk=route.pk))}
    lines = DeliveryLine.objects.newest().filter(stop__route=route).select_related("stop__household")
    delivered = dict.fromkeys(balances, ZERO)
    for line in lines.order_by("stop__sequence", "stop__pk"):
        delivered[line.category_id] += line.quantity
        balance = balances[line.category_id]
        if balance.over_at is None and delivered[line.category_id] > balance.carried:
            balance.over_at = line.stop
    return list(balances.values())
