"""What the hub desk writes: handouts, spoilage and stock counts, each as rows of the ledger."""

import datetime
from decimal import Decimal

from django.db import transaction

from hubdesk.models import Handout, HandoutLine, Spoilage, StockCount, StockCountLine
from mimac.models import Category, Hub, Photo
from recipients.models import Household


@transaction.atomic
def record_handout(
    *,
    hub: Hub,
    by,
    date: datetime.date,
    lines: list[tuple[Category, Decimal]],
    household: Household | None = None,
    people: int | None = None,
) -> Handout:
    """A walk-in handout and its lines, as one entry of the ledger. Unless told otherwise it counts the household's
    people, or one person when no household is given."""
    if people is None:
        people = household.size if household else 1
    handout = Handout.objects.create(hub=hub, date=date, household=household, people=people, recorded_by=by)
    HandoutLine.objects.bulk_create(
        HandoutLine(handout=handout, category=category, quantity=quantity, recorded_by=by)
        for category, quantity in lines
    )
    return handout


@transaction.atomic
def record_spoilage(*, hub: Hub, by, date: datetime.date, category, quantity, reason, photo=None, note="") -> Spoilage:
    if photo:
        photo = Photo.objects.create(chapter=hub.chapter, image=photo, uploaded_by=by)
    return Spoilage.objects.create(
        hub=hub, date=date, category=category, quantity=quantity, reason=reason, photo=photo, note=note, recorded_by=by
    )


@transaction.atomic
def record_count(*, hub: Hub, by, date: datetime.date, counted_by, lines: list[tuple[Category, Decimal]]) -> StockCount:
    """A physical count of the hub's shelves; a category counted as 0 is an empty shelf."""
    count = StockCount.objects.create(hub=hub, date=date, counted_by=counted_by, recorded_by=by)
    StockCountLine.objects.bulk_create(
        StockCountLine(stock_count=count, category=category, quantity=quantity, recorded_by=by)
        for category, quantity in lines
    )
    return count
