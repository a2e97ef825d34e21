"""Two weeks at the first hub's desk: walk-in handouts, spoilage, second counts of pickups, and a first stock
count (`audit/demo.py` plants a later one for the audit to find); a small library with two open loans, one of
them overdue."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from hubdesk import library_services
from hubdesk.models import Copy, Loan
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
    _library(chapter, hub, users["volunteer"], today)


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


LIBRARY = [
    ("The Very Hungry Caterpillar", Copy.Kind.CHILDRENS_BOOK, "en", Copy.AgeGroup.SMALL),
    ("Donde viven los monstruos", Copy.Kind.CHILDRENS_BOOK, "es", Copy.AgeGroup.SMALL),
    ("Charlotte's Web", Copy.Kind.CHILDRENS_BOOK, "en", Copy.AgeGroup.CHILDREN),
    ("The Hobbit", Copy.Kind.BOOK, "en", Copy.AgeGroup.TEENS),
    ("Cien años de soledad", Copy.Kind.BOOK, "es", Copy.AgeGroup.ADULTS),
    ("Cooking on a Budget", Copy.Kind.BOOK, "en", Copy.AgeGroup.ADULTS),
    ("Learn English Every Day", Copy.Kind.BOOK, "en", Copy.AgeGroup.ADULTS),
    ("Uno", Copy.Kind.GAME, "", Copy.AgeGroup.ALL),
    ("Chess set", Copy.Kind.GAME, "", Copy.AgeGroup.ALL),
    ("Jigsaw puzzle, 500 pieces", Copy.Kind.GAME, "", Copy.AgeGroup.ALL),
    ("Cordless drill", Copy.Kind.TOOL, "", Copy.AgeGroup.ADULTS),
    ("Sewing machine", Copy.Kind.TOOL, "", Copy.AgeGroup.ADULTS),
]


def _library(chapter, hub, desk, today):
    copies = [
        library_services.add_copy(hub=hub, copy=Copy(title=title, kind=kind, language=language, age_group=age))
        for title, kind, language, age in LIBRARY
    ]
    first, second = Household.objects.filter(chapter=chapter, hub=hub, mode=Household.Mode.WALK_IN)[:2]
    library_services.lend(hub=hub, by=desk, household=first, copies=[copies[3]])
    overdue = library_services.lend(hub=hub, by=desk, household=second, copies=[copies[0]])[0]
    Loan.objects.filter(pk=overdue.pk).update(  # lent four weeks ago: a week overdue
        lent_on=today - datetime.timedelta(days=28), due_on=today - datetime.timedelta(days=7)
    )
