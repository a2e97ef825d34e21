import csv
import datetime
import secrets
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import DateField, Max, PositiveSmallIntegerField
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mimac.models import Chapter
from mimac.spreadsheets import CsvRefused, csv_reader
from recipients.forms import HOUSEHOLD_FIELDS, HouseholdForm, ImportRowForm
from recipients.models import DietaryNeed, Household, HouseholdExport, NonFoodNeed

MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BYTES = 2_000_000
REQUIRED_COLUMNS = {"name", "size", "mode", "contact", "consent_on"}
CSV_COLUMNS = ["code", *HOUSEHOLD_FIELDS, "status", "status_since"]
MULTIPLE = {"dietary_needs", "non_food_needs"}
# A pending import travels in the preview page, signed for one chapter and one session.
PENDING_IMPORT_SALT = "recipients.household_import"
# Room left in a request (DATA_UPLOAD_MAX_MEMORY_SIZE) for the CSRF token, the button and a ticked
# "skip" box ("&skip=1999") for every row.
PENDING_IMPORT_HEADROOM = 10_000 + MAX_IMPORT_ROWS * len("&skip=1999")
# What an absent or empty cell of an optional column means.
IMPORT_DEFAULTS = {"children": "0", "seniors": "0", "delivery_window": Household.Window.ANY, "language": "en"}
# Optional columns that some rows need.
NEEDED_WHEN = {
    "address": gettext_lazy("Needed for a delivery."),
    "hub": gettext_lazy("Needed for a walk-in."),
    "phone": gettext_lazy("Needed when the way to reach them is phone."),
}
# What a preview says of a row that looks like a household of the chapter, or an earlier row.
LOOKALIKE_MESSAGES = {
    "name": gettext_lazy("Looks like %(who)s: same name."),
    "address": gettext_lazy("Looks like %(who)s: same address."),
    "phone": gettext_lazy("Looks like %(who)s: same phone number."),
}


@transaction.atomic
def take_in(form: HouseholdForm, *, by) -> Household:
    """Save a new household with the chapter's next reference number."""
    household = form.save(commit=False)
    household.number = _next_number(household.chapter)
    household.consent_recorded_by = by
    household.save()
    return household


def _next_number(chapter: Chapter) -> int:
    # The lock on the chapter row makes two intakes at once take different numbers.
    Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
    return (Household.objects.filter(chapter=chapter).aggregate(last=Max("number"))["last"] or 0) + 1


class ImportRefused(Exception):
    pass


def parse_import(upload, chapter: Chapter) -> tuple[list["ImportRow"], list[str]]:
    """Read a CSV of households. Returns its rows and every problem, by row and field; when there is none,
    the rows that look like a household of the chapter, or an earlier row, are marked."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ImportRefused(_("This file is larger than 2 MB. Split it into smaller files."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("This file is not UTF-8 text. In your spreadsheet, save it as 'CSV UTF-8' and try again.")
        ) from None
    try:
        return _parse_rows(csv_reader(text), chapter)
    except CsvRefused as refusal:
        raise ImportRefused(str(refusal)) from None
    except csv.Error as error:
        raise ImportRefused(
            _("This file cannot be read as CSV (%(error)s). Save it again as 'CSV UTF-8' and try again.")
            % {"error": error}
        ) from None


@dataclass
class ImportRow:
    """A row of the file: its number as a spreadsheet shows it (the header is row 1), its cells as form
    data (what the preview signs), the household it makes if it has no problem, and what it looks like."""

    number: int
    data: dict
    household: Household | None
    words: dict = field(default_factory=dict)  # the household's choices in words, by field
    looks_like: list[str] = field(default_factory=list)


def _parse_rows(reader: csv.DictReader, chapter: Chapter) -> tuple[list[ImportRow], list[str]]:
    columns = set(reader.fieldnames or [])
    missing, unknown = REQUIRED_COLUMNS - columns, columns - set(HOUSEHOLD_FIELDS)
    if missing or unknown:
        raise ImportRefused(
            _("The header row does not fit. Missing: %(missing)s. Not known: %(unknown)s. Known columns: %(known)s.")
            % {
                "missing": ", ".join(sorted(missing)) or _("none"),
                "unknown": ", ".join(sorted(unknown)) or _("none"),
                "known": ", ".join(HOUSEHOLD_FIELDS),
            }
        )
    form = ImportRowForm(chapter=chapter, hubs=chapter.hubs.filter(active=True))
    words = _words_by_code()
    rows, problems = [], []
    for number, row in enumerate(reader, start=2):
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ImportRefused(
                ngettext(
                    "More than %(max)d household in one file: split it.",
                    "More than %(max)d households in one file: split it.",
                    MAX_IMPORT_ROWS,
                )
                % {"max": MAX_IMPORT_ROWS}
            )
        data = _row_data(row)
        household = form.check(data)
        for field_name, errors in form.errors.items():
            problems.append(
                _("Row %(row)d, %(field)s: %(error)s") % {"row": number, "field": field_name, "error": " ".join(errors)}
            )
        shown = {name: words[name].get(getattr(household, name), "") for name in words} if household else {}
        rows.append(ImportRow(number, data, household, shown))
    if not rows:
        raise ImportRefused(_("The file has a header but no households."))
    if not problems:
        mark_lookalikes(rows, chapter)
    return rows, problems


def _words_by_code() -> dict[str, dict[str, str]]:
    """The words of each choice a preview shows, translated once for the whole file: a household's
    get_FOO_display translates every choice of the field at each call, which took 40% of a 2,000-row page."""
    names = ["mode", "delivery_reason", "delivery_window", "language", "contact"]
    return {name: {code: str(label) for code, label in Household._meta.get_field(name).choices} for name in names}


def _row_data(row: dict) -> dict:
    data = MultiValueDict()
    for column, value in {**IMPORT_DEFAULTS, **row}.items():
        if column is None:
            continue
        value = (value or "").strip() or IMPORT_DEFAULTS.get(column, "")
        if column in MULTIPLE:
            data.setlist(column, [part.strip() for part in value.split(";") if part.strip()])
        else:
            data[column] = value
    return {key: data.getlist(key) for key in data}


def mark_lookalikes(rows: list[ImportRow], chapter: Chapter) -> None:
    """Mark each row that looks like a household of the chapter or an earlier row of the file: the same
    name, the same address and unit, or the same phone, however differently typed (any case and spacing;
    a phone by its digits). One query for the whole file; a purged household has nothing left to match."""
    seen = {}  # what a household or row is known by -> who it is
    households = chapter.households.filter(purged_at__isnull=True).order_by("number")
    for number, *fields in households.values_list("number", "name", "address", "unit", "phone"):
        for key in _lookalike_keys(*fields):
            seen.setdefault(key, Household.code_of(chapter.code, number))
    for row in rows:
        household = row.household
        keys = _lookalike_keys(household.name, household.address, household.unit, household.phone)
        for key in keys:
            if key in seen:
                row.looks_like.append(LOOKALIKE_MESSAGES[key[0]] % {"who": seen[key]})
        for key in keys:
            seen.setdefault(key, _("row %(number)d") % {"number": row.number})


def _lookalike_keys(name: str, address: str, unit: str, phone: str) -> list[tuple[str, str]]:
    def squeezed(text):
        return "".join(text.split()).casefold()

    digits = "".join(character for character in phone if character.isdigit())
    keys = [("name", squeezed(name))] if squeezed(name) else []
    if squeezed(address):
        keys.append(("address", f"{squeezed(address)}|{squeezed(unit)}"))
    if digits:
        keys.append(("phone", digits))
    return keys


def import_guide(chapter: Chapter) -> list[dict]:
    """Each column the import knows: what it holds, whether it is needed, and what to write in it."""
    return [
        {
            "column": column,
            "label": Household._meta.get_field(column).verbose_name,
            "needed": column in REQUIRED_COLUMNS,
            "write": " ".join(filter(None, [_what_to_write(column, chapter), str(NEEDED_WHEN.get(column, ""))])),
            "default": IMPORT_DEFAULTS.get(column, ""),
        }
        for column in HOUSEHOLD_FIELDS
    ]


def _what_to_write(column: str, chapter: Chapter) -> str:
    model_field = Household._meta.get_field(column)
    if column in MULTIPLE:
        choices = (DietaryNeed if column == "dietary_needs" else NonFoodNeed).choices
        return _("Any of %(codes)s, several separated by semicolons.") % {"codes": _codes(choices)}
    if column == "hub":
        names = ", ".join(chapter.hubs.filter(active=True).values_list("name", flat=True)) or _("none")
        return _("The name of one of the chapter's hubs: %(names)s.") % {"names": names}
    if model_field.choices:
        return _("One of %(codes)s.") % {"codes": _codes(model_field.choices)}
    if isinstance(model_field, DateField):
        return _("A date written year-month-day, such as 2026-01-31.")
    if isinstance(model_field, PositiveSmallIntegerField):
        return _("A whole number.")
    return ngettext("Text, at most %(max)d character.", "Text, at most %(max)d characters.", model_field.max_length) % {
        "max": model_field.max_length
    }


def _codes(choices) -> str:
    return ", ".join(f"{code} ({label})" for code, label in choices)


def sign_pending_import(rows: list[dict], *, chapter: Chapter, session_key: str) -> str:
    """The parsed rows, signed for the preview page to send back with the confirm. Nothing of an
    unconfirmed import is stored on the server (not even in the session, which backups copy)."""
    token = signing.dumps(
        {"id": secrets.token_urlsafe(12), "rows": rows}, salt=_pending_salt(chapter, session_key), compress=True
    )
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(token) > limit - PENDING_IMPORT_HEADROOM:
        raise ImportRefused(_("These households hold too much text to confirm in one go. Split the file in two."))
    return token


def read_pending_import(token: str, *, chapter: Chapter, session_key: str, done: list[str]) -> dict:
    """The rows a preview page sent back, if it was signed for this chapter and session within the idle
    time and its id is not among the imports `done` already."""
    try:
        pending = signing.loads(token, salt=_pending_salt(chapter, session_key), max_age=settings.SESSION_COOKIE_AGE)
    except signing.SignatureExpired:
        minutes = settings.SESSION_COOKIE_AGE // 60
        raise ImportRefused(
            ngettext(
                "This preview is older than %(minutes)d minute. Upload the file again.",
                "This preview is older than %(minutes)d minutes. Upload the file again.",
                minutes,
            )
            % {"minutes": minutes}
        ) from None
    except signing.BadSignature:
        pending = None
    if pending is None or pending["id"] in done:
        raise ImportRefused(_("That import is no longer waiting. Upload the file again."))
    return pending


def _pending_salt(chapter: Chapter, session_key: str) -> str:
    # A new session (signing in again) or another chapter makes an old preview's token worthless.
    return f"{PENDING_IMPORT_SALT}:{chapter.pk}:{session_key}"


@transaction.atomic
def import_households(rows: list[dict], *, skip: set[str], chapter: Chapter, by) -> int:
    """The rows of a preview but those whose place in it (0, 1, …, as text) is in `skip`. All or nothing:
    any row that no longer validates undoes the whole import."""
    form = ImportRowForm(chapter=chapter, hubs=chapter.hubs.filter(active=True))
    kept = [data for index, data in enumerate(rows) if str(index) not in skip]
    for data in kept:
        if form.check(data) is None:
            raise ImportRefused(_("A row no longer fits; nothing was imported. Upload the file again."))
        take_in(form, by=by)
    return len(kept)


def export_rows(households, *, chapter: Chapter, by, what: str = "list") -> list[list[str]]:
    """The households as rows under CSV_COLUMNS; the export is logged."""
    rows = [[_cell(household, column) for column in CSV_COLUMNS] for household in households]
    HouseholdExport.objects.create(chapter=chapter, by=by, rows=len(rows), what=what)
    return rows


def _cell(household: Household, column: str) -> str:
    value = getattr(household, column)
    if column in MULTIPLE:
        return ";".join(value)
    if column == "hub":
        return value.name if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def purge(*, before: datetime.date, apply: bool) -> list[Household]:
    """Erase the personal data of households paused or ended before `before`. Dry run unless `apply`."""
    due = list(Household.objects.due_for_purge(before).select_related("chapter"))
    if apply:
        with transaction.atomic():
            for household in due:
                household.erase()
    return due


def retention_cutoff(months: int, today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - relativedelta(months=months)
