import datetime
import random
import time
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.queries import ZERO, Movements
from deliveries.models import (
    DeliveryLine,
    Route,
    RouteLoad,
    Stop,
)
from deliveries.scale import add_cover, add_standing
from hubdesk.models import Handout, HandoutLine, Spoilage, StockCount, StockCountLine
from mimac.models import Category, Chapter, Hub, Membership, Role, Trust
from pickups.models import IntakeCheck, IntakeCheckLine, Pickup, PickupLine, PickupSchedule, Supplier
from pickups.services import plan_schedule
from recipients.models import Household

BATCH = 5000
STOPS_PER_ROUTE = 20
PASSWORD = "a-long-scale-password"  # noqa: S105 (throwaway accounts of a benchmark database)


class Command(BaseCommand):
    help = (
        "Build chapters the size of a whole coalition's year, for benchmarks: households, suppliers with "
        "schedules, a year of pickups with lines, routes with stops and deliveries, handouts, spoilage and weekly "
        "counts, standing deliveries (arrangements, standing routes, a few pauses). Every ledger row is appended in "
        "batches through the same chain as the app's; run verify_ledger afterwards. For a benchmark database only "
        "(--force unless DEBUG)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument("--suppliers", type=int, default=150)
        parser.add_argument("--weeks", type=int, default=52)
        parser.add_argument("--chapters", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Run although DEBUG is off.")

    def handle(self, *args, households, suppliers, weeks, chapters, force, **options):
        from django.conf import settings

        if not (settings.DEBUG or force):
            raise CommandError("DEBUG is off, so this may be a real database. Re-run with --force if it is not.")
        started = time.monotonic()
        random.seed(2026)
        for number in range(1, chapters + 1):
            Scale(self, number, households, suppliers, weeks).build()
        if connection.vendor == "postgresql":
            # Fresh statistics now, not whenever autovacuum gets to it: stale ones plan nested loops over the year.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Done in {time.monotonic() - started:.0f} s.")


class Scale:
    """One chapter's year, built in bulk."""

    def __init__(self, command, number, households, suppliers, weeks):
        self.say = command.stdout.write
        self.number, self.households, self.suppliers, self.weeks = number, households, suppliers, weeks
        self.categories = list(Category.objects.filter(active=True))
        self.category_pks = [category.pk for category in self.categories]
        self.produce = Category.objects.get(code="produce")

    def build(self):
        with transaction.atomic():
            self.chapter = Chapter(name=f"Scale City {self.number}", code=f"SC{self.number:02d}")
            self.today = self.chapter.today()
            self.first = self.chapter.started_on = self.today - datetime.timedelta(weeks=self.weeks)
            self.chapter.save()
            self.hubs = [
                Hub.objects.create(chapter=self.chapter, name=f"Hub {n}", address=f"{n} Main St") for n in range(3)
            ]
            self._people()
            self._households()
        self._pickups()
        self._routes()
        self._hub_desks()
        with transaction.atomic():
            added = add_standing(self.chapter, self.hubs, self.volunteers, self.household_list, self.today,
                                 self.coordinator)  # fmt: skip
        for what, count in added.items():
            self._step(what, count)
        freed = add_cover(self.chapter, self.volunteers, self.today, self.coordinator)
        self._step("pickups freed by an absence", freed)

    def _step(self, what, count):
        self.say(f"{self.chapter.code}: {count:,} {what}")

    def _people(self):
        password, long_ago = make_password(PASSWORD), self.first - datetime.timedelta(days=200)
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"{self.chapter.code.lower()}-{n:03d}", first_name=f"Member {n}", password=password
            )
            for n in range(43)
        )
        roles = [Role.COORDINATOR] * 2 + [Role.AUDITOR] + [Role.VOLUNTEER] * 40
        Membership.objects.bulk_create(
            Membership(
                user=user,
                chapter=self.chapter,
                role=role,
                trust=Trust.TRUSTED,
                joined_on=long_ago,
                trusted_since=long_ago,
            )
            for user, role in zip(users, roles, strict=True)
        )
        self.coordinator, self.volunteers = users[0], users[3:]
        self._step("members", len(users))

    def _households(self):
        self.household_list = Household.objects.bulk_create(
            Household(
                chapter=self.chapter,
                number=n + 1,
                name=f"Household {n}",
                address=f"{n} Oak St",
                size=1 + n % 6,
                contact="phone",
                consent_on=self.first,
                consent_recorded_by=self.coordinator,
                mode=Household.Mode.WALK_IN if n % 4 == 0 else Household.Mode.DELIVERY,
                hub=self.hubs[n % 3] if n % 4 == 0 else None,
            )
            for n in range(self.households)
        )
        self._step("households", len(self.household_list))

    def _pickups(self):
        days = ["MO", "TU", "WE", "TH", "FR", "SA"]
        for n in range(self.suppliers):
            supplier = Supplier.objects.create(chapter=self.chapter, name=f"Supplier {n}")
            supplier.categories.set(random.sample(self.categories, 3))
            schedule = PickupSchedule.objects.create(
                supplier=supplier,
                hub=self.hubs[n % 3],
                rrule=f"FREQ=WEEKLY;BYDAY={days[n % 6]},{days[(n + 3) % 6]}",
                starts_on=self.first,
                window_start=datetime.time(8 + n % 8),
                window_end=datetime.time(9 + n % 8),
            )
            plan_schedule(schedule=schedule, today=self.first, horizon_weeks=self.weeks + 2)
        past = list(
            Pickup.objects.filter(supplier__chapter=self.chapter, date__lt=self.today).select_related("supplier")
        )
        for index, pickup in enumerate(past):
            if index % 20 == 0:
                pickup.status, pickup.missed_reason = Pickup.Status.MISSED, Pickup.MissedReason.NO_VOLUNTEER
            else:
                pickup.status, pickup.arrived_at = Pickup.Status.DONE, pickup.window_starts_at
            pickup.recorded_by, pickup.recorded_at = self.volunteers[index % 40], pickup.window_ends_at
        fields = ["status", "missed_reason", "arrived_at", "recorded_by", "recorded_at"]
        Pickup.objects.bulk_update(past, fields, batch_size=1000)
        done = [pickup for pickup in past if pickup.status == Pickup.Status.DONE]
        lines = (
            PickupLine(
                pickup=pickup,
                category=category,
                quantity=Decimal(50 + (pickup.pk * 7 + i) % 40),
                recorded_by=pickup.recorded_by,
                recorded_at=pickup.recorded_at,
            )
            for pickup in done
            for i, category in enumerate(random.sample(self.categories, 4))
        )
        self._step("pickups", len(past))
        lines = self._append(PickupLine, lines)
        self._step("pickup lines", len(lines))
        self._intake_checks(done, lines)

    def _intake_checks(self, done, lines):
        """A second count of every pickup by another volunteer, except one in 50; one in 300 differs by 2."""

        def someone_else(pickup):
            return self.volunteers[(self.volunteers.index(pickup.recorded_by) + 1) % len(self.volunteers)]

        checks = (
            IntakeCheck(pickup=pickup, recorded_by=someone_else(pickup), recorded_at=pickup.recorded_at)
            for index, pickup in enumerate(done)
            if index % 50 != 7
        )
        checks = self._append(IntakeCheck, checks)
        check_of = {check.pickup_id: check for check in checks}
        counted = (
            IntakeCheckLine(
                check_of=check_of[line.pickup_id],
                category=line.category,
                quantity=line.quantity + (2 if line.pickup_id % 300 == 0 else 0),
                recorded_by=check_of[line.pickup_id].recorded_by,
                recorded_at=line.recorded_at,
            )
            for line in lines
            if line.pickup_id in check_of
        )
        self._step("intake checks", len(checks))
        self._step("intake check lines", len(self._append(IntakeCheckLine, counted)))

    def _routes(self):
        delivery = [h for h in self.household_list if h.mode == Household.Mode.DELIVERY]
        routes, day = [], self.first
        while day < self.today:
            if day.weekday() < 5:
                for n in range(19):
                    routes.append(
                        Route(
                            chapter=self.chapter,
                            hub=self.hubs[n % 3],
                            date=day,
                            name=f"Route {n}",
                            driver=self.volunteers[n],
                            status=Route.Status.DONE,
                        )
                    )
            day += datetime.timedelta(days=1)
        routes = Route.objects.bulk_create(routes, batch_size=BATCH)
        stops = []
        for index, route in enumerate(routes):
            start = (index * STOPS_PER_ROUTE) % max(len(delivery) - STOPS_PER_ROUTE, 1)
            for sequence, household in enumerate(delivery[start : start + STOPS_PER_ROUTE], 1):
                outcome = Stop.Outcome.NOT_HOME if (index + sequence) % 12 == 0 else Stop.Outcome.DELIVERED
                stops.append(
                    Stop(
                        route=route,
                        household=household,
                        sequence=sequence,
                        outcome=outcome,
                        recorded_by=route.driver,
                        recorded_at=self._at(route.date),
                    )
                )
        stops = Stop.objects.bulk_create(stops, batch_size=BATCH)
        self._step("routes", len(routes))
        self._step("stops", len(stops))
        by_route = {route.pk: route for route in routes}
        delivered = (
            DeliveryLine(
                stop=stop,
                category=self.produce,
                quantity=Decimal(3),
                recorded_by=by_route[stop.route_id].driver,
                recorded_at=stop.recorded_at,
            )
            for stop in stops
            if stop.outcome == Stop.Outcome.DELIVERED
        )
        self._step("delivered lines", len(self._append(DeliveryLine, delivered)))
        delivered_stops = Counter(stop.route_id for stop in stops if stop.outcome == Stop.Outcome.DELIVERED)
        loads = (
            RouteLoad(
                route=route,
                direction=direction,
                category=self.produce,
                quantity=quantity,
                countersigned_by=self.coordinator if direction == "out" else None,
                recorded_by=route.driver,
                recorded_at=self._at(route.date),
            )
            for index, route in enumerate(routes)
            for direction, quantity in self._load_out_and_back(index, delivered_stops[route.pk])
        )
        self._step("route loads", len(self._append(RouteLoad, loads)))

    @staticmethod
    def _load_out_and_back(index: int, delivered_stops: int) -> tuple[tuple[str, Decimal], ...]:
        """What a route took out and brought back: it balances, except one route in 200 that kept 9 lb."""
        spare = Decimal(15)
        back = spare - 9 if index % 200 == 0 else spare
        return ("out", 3 * delivered_stops + spare), ("back", back)

    def _hub_desks(self):
        walk_ins = [h for h in self.household_list if h.mode == Household.Mode.WALK_IN]
        handouts, day = [], self.first
        while day < self.today:
            if day.weekday() in (1, 3):
                for n in range(20):
                    household = walk_ins[(day.toordinal() + n) % len(walk_ins)] if n % 5 else None
                    handouts.append(
                        Handout(
                            hub=self.hubs[n % 3],
                            date=day,
                            household=household,
                            people=household.size if household else 1 + n % 3,
                            recorded_by=self.volunteers[n],
                            recorded_at=self._at(day),
                        )
                    )
            day += datetime.timedelta(days=1)
        handouts = self._append(Handout, handouts)
        lines = (
            HandoutLine(
                handout=handout,
                category=category,
                quantity=Decimal(2),
                recorded_by=handout.recorded_by,
                recorded_at=handout.recorded_at,
            )
            for handout in handouts
            for category in {self.produce, self.categories[handout.pk % len(self.categories)]}
        )
        self._step("handouts", len(handouts))
        self._step("handout lines", len(self._append(HandoutLine, lines)))
        spoiled = (
            Spoilage(
                hub=hub,
                date=friday,
                category=self.produce,
                quantity=Decimal(4),
                reason="mould",
                recorded_by=self.coordinator,
                recorded_at=self._at(friday),
            )
            for friday in self._fridays()
            for hub in self.hubs
        )
        self._step("spoilage rows", len(self._append(Spoilage, spoiled)))
        self._counts()

    def _fridays(self) -> list[datetime.date]:
        first = self.first + datetime.timedelta(days=(4 - self.first.weekday()) % 7)
        return [
            first + datetime.timedelta(weeks=week)
            for week in range(self.weeks)
            if first.toordinal() + 7 * week < self.today.toordinal()
        ]

    def _counts(self):
        """A count at every hub each Friday that agrees with the ledger, except hub 0's last count of produce:
        12% short, for the audit to find."""
        net, fridays = self._net_movements(), self._fridays()
        counts, counted = [], []
        for hub in self.hubs:
            counted += self._shelves_on(hub, fridays, net)
            counts += [
                StockCount(hub=hub, date=friday, counted_by=self.coordinator, recorded_by=self.coordinator,
                           recorded_at=self._at(friday))
                for friday in fridays
            ]  # fmt: skip
        counted[len(fridays) - 1][self.produce.pk] *= Decimal("0.88")
        counts = self._append(StockCount, counts)
        lines = (
            StockCountLine(stock_count=count, category_id=category, quantity=quantity.quantize(Decimal("0.01")),
                           recorded_by=count.recorded_by, recorded_at=count.recorded_at)
            for count, shelves in zip(counts, counted, strict=True)
            for category, quantity in shelves.items()
        )  # fmt: skip
        self._step("stock count lines", len(self._append(StockCountLine, lines)))

    def _net_movements(self) -> dict[tuple, Decimal]:
        """Per (hub, day, category): received less delivered, handed out and spoiled, as the audit adds them up."""
        movements = Movements.between(self.hubs, self.first, self.today)
        net: dict[tuple, Decimal] = {}
        for flow, sign in (("received", 1), ("delivered", -1), ("handed_out", -1), ("spoiled", -1)):
            for hub, totals in movements.days[flow].items():
                for day, category, total in totals:
                    net[hub, day, category] = net.get((hub, day, category), ZERO) + sign * total
        return net

    def _shelves_on(self, hub, fridays: list[datetime.date], net) -> list[dict[int, Decimal]]:
        """What the hub holds of each category at the end of each Friday, from an opening stock that keeps every
        shelf at 100 or more all year."""
        running, lowest, on_fridays = dict.fromkeys(self.category_pks, ZERO), {}, []
        day, count_days = self.first, set(fridays)
        while day < self.today:
            for category in self.category_pks:
                running[category] += net.get((hub.pk, day, category), ZERO)
                lowest[category] = min(lowest.get(category, ZERO), running[category])
            if day in count_days:
                on_fridays.append(dict(running))
            day += datetime.timedelta(days=1)
        return [{pk: held + 100 - lowest[pk] for pk, held in shelves.items()} for shelves in on_fridays]

    def _at(self, day) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(18), tzinfo=datetime.UTC)

    def _append(self, model, rows) -> list:
        """Append ledger rows in batches, each batch one transaction through the ledger's chain."""
        rows, written = list(rows), []
        for start in range(0, len(rows), BATCH):
            written += model.objects.bulk_create(rows[start : start + BATCH])
        return written
