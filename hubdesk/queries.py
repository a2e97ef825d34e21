"""What the hub desk reads: the categories in the order it needs them, and the day's rows."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hubdesk.models import Handout, HandoutLine, Spoilage, StockCount
from mimac.models import Category


def desk_categories(hub) -> list[Category]:
    """Active categories, the ones the hub handed out most in the eight weeks before today first.

    Today's handouts do not count, so the order stays put through a shift.
    """
    today = hub.chapter.today()
    given = (
        HandoutLine.objects.filter(category=OuterRef("pk"), handout__hub=hub, handout__date__lt=today)
        .filter(handout__date__gte=today - datetime.timedelta(weeks=8))
        .order_by()
        .values("category")
        .annotate(lines=Count("pk"))
        .values("lines")
    )
    categories = Category.objects.filter(active=True).annotate(given=Coalesce(Subquery(given), 0))
    return list(categories.order_by("-given", "-is_food", "name"))


def handouts_on(hub, date) -> QuerySet:
    """The day's handouts at the hub, newest first, each with its lines."""
    lines = HandoutLine.objects.select_related("category").annotate(
        correction_exists=Exists(HandoutLine.objects.filter(corrects=OuterRef("pk")))
    )
    return (
        Handout.objects.filter(hub=hub, date=date)
        .select_related("household__chapter", "recorded_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-recorded_at")
    )


def spoilage_on(hub, date) -> QuerySet:
    return (
        Spoilage.objects.filter(hub=hub, date=date).select_related("category", "recorded_by").order_by("-recorded_at")
    )


def recent_counts(hub, limit=5) -> QuerySet:
    return StockCount.objects.filter(hub=hub).select_related("counted_by").order_by("-date", "-recorded_at")[:limit]
