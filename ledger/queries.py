"""Reads over every ledger table of a chapter."""

import datetime
import zoneinfo

from django.db import models

from ledger.models import ledger_models


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
