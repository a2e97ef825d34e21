"""The one recurrence engine pickups and standing deliveries share: its shortcut gives the dates dateutil gives."""

import datetime
import random

import pytest
from dateutil import rrule

from mimac.recurrence import dates

RULES = [
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,WE",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=+2TU",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
    "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=1",
    "FREQ=DAILY;COUNT=1",
]


def _from_the_first_day(rule, starts_on, ends_on, first, last):
    """dateutil walking every occurrence from the first day, as the shortcut must agree with."""
    first, last = max(first, starts_on), min(last, ends_on or last)
    if last < first:
        return []
    at = lambda day: datetime.datetime.combine(day, datetime.time())  # noqa: E731
    return [
        moment.date() for moment in rrule.rrulestr(rule, dtstart=at(starts_on)).between(at(first), at(last), inc=True)
    ]


@pytest.mark.parametrize("rule", RULES)
def test_dates_far_from_the_first_day_are_those_dateutil_gives_from_it(rule):
    randomly = random.Random(rule)  # noqa: S311 (repeatable test cases, no secret)
    for _ in range(400):
        starts_on = datetime.date(2020, 1, 1) + datetime.timedelta(days=randomly.randrange(2000))
        first = starts_on + datetime.timedelta(days=randomly.randrange(-30, 1500))
        last = first + datetime.timedelta(days=randomly.randrange(120))
        ends_on = None if randomly.random() < 0.5 else last + datetime.timedelta(days=randomly.randrange(-60, 60))
        expected = _from_the_first_day(rule, starts_on, ends_on, first, last)
        assert dates(rule, starts_on, ends_on, first, last) == expected, (starts_on, ends_on, first, last)
