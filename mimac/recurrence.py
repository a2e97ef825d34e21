"""Recurrences as a coordinator thinks of them, written and read as RFC 5545 RRULE text by dateutil.

One engine for every app that repeats something: pickup schedules (pickups) and standing deliveries
(deliveries) build their recurrence with `RecurrenceFields`, store the RRULE text, and expand it with `dates`.
"""

import datetime
import functools
import re

from dateutil import rrule
from django import forms
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


@functools.lru_cache(maxsize=256)
def _parsed(value: str) -> rrule.rrule:
    # Parsing is the slow part of making a rule, and a chapter's schedules and households share a handful of them.
    return rrule.rrulestr(value, dtstart=datetime.datetime(2000, 1, 3))


def _phase_start(value: str, starts_on: datetime.date, first: datetime.date) -> datetime.date:
    """A day no later than `first` from which the recurrence gives the same dates on and after `first` as from
    `starts_on`: a whole number of its periods later. dateutil walks every occurrence from the first day, so a
    household fed weekly for three years would otherwise cost 150 steps for one week's dates."""
    parts = dict(part.split("=", 1) for part in value.split(";"))
    if first <= starts_on or "COUNT" in parts or "UNTIL" in parts:
        return starts_on
    interval = int(parts.get("INTERVAL", 1))
    if parts["FREQ"] in {"WEEKLY", "DAILY"}:
        period = interval * (7 if parts["FREQ"] == "WEEKLY" else 1)
        return starts_on + datetime.timedelta(days=(first - starts_on).days // period * period)
    if parts["FREQ"] == "MONTHLY":
        months = ((first.year - starts_on.year) * 12 + first.month - starts_on.month) // interval * interval
        if months:
            # The first of a later month: the day of the month of the first day only ever cut its own month short.
            month = starts_on.month - 1 + months
            return datetime.date(starts_on.year + month // 12, month % 12 + 1, 1)
    return starts_on


def dates(
    value: str, starts_on: datetime.date, ends_on: datetime.date | None, first: datetime.date, last: datetime.date
) -> list[datetime.date]:
    """Every date the recurrence gives from `first` to `last`, within its own first and last day."""
    first, last = max(first, starts_on), min(last, ends_on or last)
    if last < first:
        return []
    start = datetime.datetime.combine(_phase_start(value, starts_on, first), datetime.time())
    moments = (
        _parsed(value)
        .replace(dtstart=start)
        .between(
            datetime.datetime.combine(first, datetime.time()),
            datetime.datetime.combine(last, datetime.time()),
            inc=True,
        )
    )
    return [moment.date() for moment in moments]


class RecurrenceFields(forms.Form):
    """The fields that build a recurrence, for a form that repeats something: mixed in before its model form.
    `recurrence(cleaned)` checks them and gives the RRULE text, or None with the errors added to the form."""

    pattern = forms.ChoiceField(label=_("Repeats"), choices=Pattern.CHOICES, widget=forms.RadioSelect)
    interval = forms.IntegerField(
        label=_("Every how many weeks or months"),
        initial=1,
        min_value=1,
        max_value=52,
        error_messages={"min_value": _("Use 1 or more: 1 is every week (or month), 2 every other one.")},
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays (weekly)"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    month_week = forms.ChoiceField(label=_("Which one (monthly on a weekday)"), choices=MONTH_WEEKS, required=False)
    month_weekday = forms.ChoiceField(label=_("Weekday (monthly on a weekday)"), choices=WEEKDAYS, required=False)
    month_day = forms.IntegerField(
        label=_("Day of the month (monthly on a day)"), min_value=1, max_value=31, required=False
    )

    RECURRENCE_FIELDS = ["pattern", "weekdays", "interval", "month_week", "month_weekday", "month_day"]

    def show_recurrence(self, value: str | None) -> None:
        """Start the fields at a stored RRULE, or at weekly for a new one."""
        if value:
            self.initial.update(read_rrule(value))
        else:
            self.initial.setdefault("pattern", Pattern.WEEKLY)

    def recurrence(self, cleaned: dict) -> str | None:
        pattern = cleaned.get("pattern")
        if pattern == Pattern.WEEKLY and not cleaned.get("weekdays"):
            self.add_error("weekdays", _("Choose at least one weekday."))
        if pattern == Pattern.MONTHLY_WEEKDAY and not (cleaned.get("month_week") and cleaned.get("month_weekday")):
            self.add_error("month_weekday", _("Choose which weekday of the month, such as the 2nd Tuesday."))
        if pattern == Pattern.MONTHLY_DAY and not cleaned.get("month_day"):
            self.add_error("month_day", _("Choose a day of the month."))
        if self.errors:
            return None
        return build_rrule(
            pattern,
            cleaned.get("interval") or 1,
            cleaned.get("weekdays"),
            cleaned.get("month_week"),
            cleaned.get("month_weekday"),
            cleaned.get("month_day"),
        )


def gives_no_dates(value: str, starts_on: datetime.date, ends_on: datetime.date | None) -> datetime.date | None:
    """The last day looked at, when the recurrence gives no date from its first day to it (its last day, or a
    year on); None when it gives one."""
    last = ends_on or starts_on + NO_DATES_HORIZON
    return None if dates(value, starts_on, ends_on, starts_on, last) else last
