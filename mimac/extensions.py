"""Where apps above the core plug into it. Each fills these in its AppConfig.ready; the core never imports up.

- `first_record_days`: functions that give the day of a chapter's first record an app holds (or None); a
  chapter cannot say it started after any of them.
"""

import datetime
from collections.abc import Callable

first_record_days: list[Callable[[object], datetime.date | None]] = []


def first_record_day(chapter) -> datetime.date | None:
    """The earliest day any app holds a record of the chapter from, or None while it holds none."""
    return min(filter(None, (day(chapter) for day in first_record_days)), default=None)
