"""Recurrences as a coordinator thinks of them, written and read as RFC 5545 RRULE text by dateutil."""

import datetime
import re

from dateutil import rrule
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
RRULE_WEEKDAYS = dict(zip([code for code, _ in WEEKDAYS], rrule.weekdays, strict=True))
MONTH_WEEKS = [("1", _("1st")), ("2", _("2nd")), ("3", _("3rd")), ("4", _("4th")), ("-1", _("last"))]
# How far ahead a schedule must give at least one date, when it has no last day.
NO_DATES_HORIZON = datetime.timedelta(days=366)


class Pattern:
    WEEKLY = "weekly"
    MONTHLY_WEEKDAY = "monthly_weekday"
    MONTHLY_DAY = "monthly_day"
    ONCE = "once"
    CHOICES = [
        (WEEKLY, _("Every week, or every few weeks, on chosen weekdays")),
        (MONTHLY_WEEKDAY, _("Every month on a weekday, such as the 2nd Tuesday or the last Friday")),
        (MONTHLY_DAY, _("Every month on a day of the month, such as the 15th")),
        (ONCE, _("Once, on the first day")),
    ]


def build_rrule(pattern, interval, weekdays, month_week, month_weekday, month_day) -> str:
    """The RFC 5545 RRULE value (no DTSTART) for what the coordinator chose, written by dateutil."""
    if pattern == Pattern.WEEKLY:
        rule = rrule.rrule(rrule.WEEKLY, interval=interval, byweekday=[RRULE_WEEKDAYS[day] for day in weekdays])
    elif pattern == Pattern.MONTHLY_WEEKDAY:
        rule = rrule.rrule(rrule.MONTHLY, interval=interval, byweekday=RRULE_WEEKDAYS[month_weekday](int(month_week)))
    elif pattern == Pattern.MONTHLY_DAY:
        rule = rrule.rrule(rrule.MONTHLY, interval=interval, bymonthday=month_day)
    else:
        rule = rrule.rrule(rrule.DAILY, count=1)
    return str(rule).splitlines()[-1].removeprefix("RRULE:")


def read_rrule(value: str) -> dict:
    """The form's fields for a stored RRULE that this form wrote."""
    parts = dict(part.split("=", 1) for part in value.split(";"))
    fields = {"interval": int(parts.get("INTERVAL", 1))}
    if parts["FREQ"] == "WEEKLY":
        return {**fields, "pattern": Pattern.WEEKLY, "weekdays": parts["BYDAY"].split(",")}
    if parts["FREQ"] == "MONTHLY" and "BYDAY" in parts:
        position, day = re.fullmatch(r"([+-]?\d+)([A-Z]{2})", parts["BYDAY"]).groups()
        return {**fields, "pattern": Pattern.MONTHLY_WEEKDAY, "month_week": str(int(position)), "month_weekday": day}
    if parts["FREQ"] == "MONTHLY":
        return {**fields, "pattern": Pattern.MONTHLY_DAY, "month_day": int(parts["BYMONTHDAY"])}
    return {**fields, "pattern": Pattern.ONCE}


def describe(value: str) -> str:
    """The recurrence in words, e.g. "Every 2 weeks on Monday, Friday"."""
    fields = read_rrule(value)
    days = dict(WEEKDAYS)
    every = fields["interval"]
    if fields["pattern"] == Pattern.WEEKLY:
        names = ", ".join(str(days[day]) for day in fields["weekdays"])
        return (
            gettext("Every week on %(days)s") % {"days": names}
            if every == 1
            else ngettext("Every %(n)d week on %(days)s", "Every %(n)d weeks on %(days)s", every)
            % {"n": every, "days": names}
        )
    if fields["pattern"] == Pattern.MONTHLY_WEEKDAY:
        which = dict(MONTH_WEEKS)[fields["month_week"]]
        return gettext("Every month on the %(which)s %(day)s") % {"which": which, "day": days[fields["month_weekday"]]}
    if fields["pattern"] == Pattern.MONTHLY_DAY:
        return gettext("Every month on day %(day)d") % {"day": fields["month_day"]}
    return gettext("Once")
