"""Reads over every ledger table of a chapter or a hub."""

import datetime
import zoneinfo

from django.db import models

from ledger.models import ledger_models
from mimac.models import Category


def earliest_day(chapter) -> datetime.date | None:
    """The day of the chapter's earliest ledger row: a row's own date where it has one, else the day it was
    recorded, where the chapter is. None while the chapter has no rows."""
    days = []
    for model in ledger_models():
        rows = model._base_manager.filter(chapter=chapter)
        if any(field.name == "date" for field in model._meta.fields):
            days.append(rows.aggregate(first=models.Min("date"))["first"])
        else:
            first = rows.aggregate(first=models.Min("recorded_at"))["first"]
            days.append(first and first.astimezone(zoneinfo.ZoneInfo(chapter.time_zone)).date())
    return min((day for day in days if day), default=None)


def categories_held_at(hub) -> set[int]:
    """Categories the hub has ever held: received, loaded out or brought back, handed out, spoiled or counted there.
    Read from every ledger model that names its hub (`hub_lookup`), whichever app it lives in, so an app learns
    what another's rows put on a hub's shelves without importing it (the hub desk, of the routes' load-outs)."""
    held = models.Q(pk__in=[])
    for model in (model for model in ledger_models() if getattr(model, "hub_lookup", "")):
        held |= models.Q(pk__in=model.objects.filter(**{model.hub_lookup: hub}).values("category_id"))
    return set(Category.objects.filter(held).values_list("pk", flat=True))
