"""Today's published routes for the demo volunteer (one with the newcomer beside them), and past done ones."""

import datetime

from django.contrib.auth import get_user_model

from deliveries.models import Route
from deliveries.services import add_stops, publish
from mimac.models import Chapter
from recipients.models import Household


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    households = list(
        Household.objects.filter(chapter=chapter, status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY)
    )
    plans = [
        # name, days from today, driver, helpers, first household, how many, published or done
        ("Eastside morning", 0, "volunteer", [], 0, 5, Route.Status.PUBLISHED),
        ("Grand Blvd afternoon", 0, "volunteer", ["newcomer"], 5, 4, Route.Status.PUBLISHED),
        ("Eastside morning", -7, "volunteer", [], 0, 5, Route.Status.DONE),
        ("Eastside morning", -14, "volunteer", [], 0, 5, Route.Status.DONE),
    ]
    for name, days, driver, helpers, first, count, status in plans:
        route = Route.objects.create(
            chapter=chapter, hub=hub, date=today + datetime.timedelta(days=days), name=name, driver=users[driver]
        )
        route.helpers.set(users[helper] for helper in helpers)
        add_stops(route=route, households=households[first : first + count], version=route.version)
        route.refresh_from_db()
        publish(route=route, by=users["coordinator"], version=route.version)
        if status == Route.Status.DONE:
            Route.objects.filter(pk=route.pk).update(status=status)
