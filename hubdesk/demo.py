"""Two weeks at the first hub's desk: walk-in handouts, spoilage, second counts of pickups, and a first stock
count (`audit/demo.py` plants a later one for the audit to find)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from hubdesk.services import record_count, record_handout, record_spoilage
from mimac.models import Category, Chapter
from pickups.models import Pickup
from pickups.services import check_intake
from recipients.models import Household


def load(password: str) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    chapter = Chapter.objects.get(code="RIV")
    hub = chapter.hubs.order_by("name").first()
    today = chapter.today()
    food = {category.code: category for category in Category.objects.all()}
    _count_everything(hub, users, today - datetime.timedelta(days=13))
    _hub_desk(chapter, hub, users, today, food)


def _hub_desk(chapter, hub, users, today, food):
    walk_ins = list(Household.objects.filter(chapter=chapter, hub=hub, mode=Household.Mode.WALK_IN)[:4])
    desk, coordinator = users["volunteer"], users["coordinator"]
    for days_ago in range(12, 0, -1):
        day = today - datetime.timedelta(days=days_ago)
        if day.weekday() in (1, 3):  # walk-in hours on Tuesdays and Thursdays
            for number, household in enumerate([*walk_ins, None]):
                lines = [(food["produce"], Decimal(4 + number)), (food["canned-goods"], Decimal(3))]
                people = None if household else 1 + number % 3  # a household counts its size
                record_handout(hub=hub, by=desk, date=day, lines=lines, household=household, people=people)
        if day.weekday() == 4:
            record_spoilage(hub=hub, by=desk, date=day, category=food["produce"], quantity=Decimal(6), reason="mould")
    done = Pickup.objects.filter(hub=hub, status=Pickup.Status.DONE).exclude(date=today).order_by("date")
    for pickup in list(done.prefetch_related("assignments"))[2:]:  # the two oldest wait for it, to show the flag
        took_part = {pickup.recorded_by_id, *(assignment.volunteer_id for assignment in pickup.assignments.all())}
        counter = next((user for user in (coordinator, desk) if user.pk not in took_part), None)
        if counter:
            lines = [(line.category, line.quantity) for line in pickup.lines.newest()]
            check_intake(pickup=pickup, by=counter, lines=lines)


def _count_everything(hub, users, day):
    lines = [(category, Decimal(200)) for category in Category.objects.filter(active=True)]
    return record_count(hub=hub, by=users["volunteer"], date=day, counted_by=users["coordinator"], lines=lines)
