"""Plain `make_*` helpers that build test data through the models, as the app would."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from mimac.models import Chapter, Hub, Membership, Role, Trust

PASSWORD = "a-long-test-password"


def make_user(username="member", **fields):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)


# The day test chapters started: long ago, so that a test may record what happened on any recent day.
CHAPTERS_START = datetime.date(2020, 1, 1)


def make_chapter(name="Riverside Mutual Aid", code="RIV", **fields):
    return Chapter.objects.create(name=name, code=code, **{"started_on": CHAPTERS_START, **fields})


def make_hub(chapter, name="Church Street Pantry", **fields):
    return Hub.objects.create(chapter=chapter, name=name, address=fields.pop("address", "12 Church St"), **fields)


def make_member(chapter, username, role=Role.VOLUNTEER, trust=Trust.TRUSTED, joined_days_ago=200, **user_fields):
    """A member with an account; trusted ones have observed long enough and were trusted since."""
    user = make_user(username, first_name=user_fields.pop("first_name", username.title()), **user_fields)
    joined_on = timezone.localdate() - datetime.timedelta(days=joined_days_ago)
    trusted_since = joined_on + datetime.timedelta(days=chapter.observation_days) if trust == Trust.TRUSTED else None
    return Membership.objects.create(
        user=user, chapter=chapter, role=role, trust=trust, joined_on=joined_on, trusted_since=trusted_since
    )


def add_membership(chapter, person, role=Role.VOLUNTEER, trust=Trust.TRUSTED):
    """The same person (a user, or one of their memberships) in another chapter."""
    user = getattr(person, "user", person)
    trusted_since = timezone.localdate() if trust == Trust.TRUSTED else None
    return Membership.objects.create(user=user, chapter=chapter, role=role, trust=trust, trusted_since=trusted_since)


def make_supplier(chapter, name="Corner Grocery", **fields):
    from pickups.models import Supplier

    fields = {"kind": Supplier.Kind.GROCERY, "address": "5 Market St", **fields}
    return Supplier.objects.create(chapter=chapter, name=name, **fields)


def make_schedule(supplier, hub, rrule="FREQ=WEEKLY;BYDAY=TU,TH", starts_on=None, **fields):
    from pickups.models import PickupSchedule

    return PickupSchedule.objects.create(
        supplier=supplier,
        hub=hub,
        rrule=rrule,
        starts_on=starts_on or supplier.chapter.today(),
        window_start=fields.pop("window_start", datetime.time(9)),
        window_end=fields.pop("window_end", datetime.time(11)),
        **fields,
    )


def make_household(chapter, name="Amina", by=None, **fields):
    from recipients.models import Household

    number = (
        Household.objects.filter(chapter=chapter).order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    defaults = {"address": f"{number} Oak St", "size": 3, "consent_on": chapter.today(), "contact": "paper_only"}
    by = by or chapter.memberships.filter(role="coordinator").first().user
    return Household.objects.create(
        chapter=chapter, number=number, name=name, consent_recorded_by=by, **{**defaults, **fields}
    )


def make_route(chapter, hub, date=None, driver=None, households=(), status="draft", name="Eastside morning"):
    from deliveries.models import PlannedItem, Route, Stop
    from mimac.models import Category

    route = Route.objects.create(chapter=chapter, hub=hub, date=date or chapter.today(), name=name, driver=driver)
    produce = Category.objects.get(code="produce")
    for sequence, household in enumerate(households, start=1):
        stop = Stop.objects.create(route=route, household=household, sequence=sequence)
        PlannedItem.objects.create(stop=stop, category=produce, quantity=household.size * 3)
    if status != "draft":
        Route.objects.filter(pk=route.pk).update(status=status)
        route.refresh_from_db()
    return route


def make_pickup(world, days_ahead=0, chapter=None, hub=None, start=9, end=11, supplier=None):
    """A pickup planned from a one-day schedule, `days_ahead` from today."""
    from pickups.models import Pickup
    from pickups.services import plan_schedule

    chapter = chapter or world.chapter
    date = chapter.today() + datetime.timedelta(days=days_ahead)
    supplier = supplier or make_supplier(chapter, f"Supplier {Pickup.objects.count()}")
    schedule = make_schedule(
        supplier, hub or world.hub, "FREQ=DAILY;COUNT=1", starts_on=date,
        window_start=datetime.time(start), window_end=datetime.time(end),
    )  # fmt: skip
    plan_schedule(schedule=schedule, today=date)
    return schedule.pickups.get()


def signs_in(client, username, password=PASSWORD) -> bool:
    """Whether the sign-in form lets this username and password in (through the sign-in throttle)."""
    from django.urls import reverse

    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def next_weekday(chapter, weekday: int, weeks: int = 0) -> datetime.date:
    """The next such weekday (0 is Monday) from the chapter's today, today included; `weeks` later."""
    today = chapter.today()
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7, weeks=weeks)


def make_arrangement(household, hub, rrule="FREQ=WEEKLY;BYDAY=TU", starts_on=None, items=None, **fields):
    """A standing arrangement from a week ago; `items` maps category codes to usual quantities."""
    from deliveries.models import DeliveryArrangement, UsualItem
    from mimac.models import Category

    arrangement = DeliveryArrangement.objects.create(
        household=household,
        hub=hub,
        rrule=rrule,
        starts_on=starts_on or household.chapter.today() - datetime.timedelta(days=7),
        window=fields.pop("window", household.delivery_window),
        **fields,
    )
    for code, quantity in (items or {}).items():
        UsualItem.objects.create(arrangement=arrangement, category=Category.objects.get(code=code), quantity=quantity)
    return arrangement


def make_standing_route(chapter, hub, weekday=1, name="Tuesday east", driver=None, households=(), helpers=()):
    from deliveries.models import StandingRoute, StandingStop

    route = StandingRoute.objects.create(chapter=chapter, hub=hub, weekday=weekday, name=name, driver=driver)
    route.helpers.set(helpers)
    for sequence, household in enumerate(households, start=1):
        StandingStop.objects.create(standing_route=route, household=household, weekday=weekday, sequence=sequence)
    return route
