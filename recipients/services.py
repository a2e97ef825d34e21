import csv
import datetime
import secrets

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mimac.models import Chapter
from mimac.spreadsheets import CsvRefused, csv_reader
from recipients.forms import HOUSEHOLD_FIELDS, HouseholdForm
from recipients.models import Household, HouseholdExport

MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BYTES = 2_000_000
REQUIRED_COLUMNS = {"name", "size", "mode", "contact", "consent_on"}
CSV_COLUMNS = ["code", *HOUSEHOLD_FIELDS, "status", "status_since"]
MULTIPLE = {"dietary_needs", "non_food_needs"}
# A pending import travels in the preview page, signed for one chapter and one session.
PENDING_IMPORT_SALT = "recipients.household_import"
# Room left in a request (DATA_UPLOAD_MAX_MEMORY_SIZE) for the CSRF token and the button beside it.
PENDING_IMPORT_HEADROOM = 10_000
# What an absent or empty cell of an optional column means.
IMPORT_DEFAULTS = {"children": "0", "seniors": "0", "delivery_window": Household.Window.ANY, "language": "en"}


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


def parse_import(upload, chapter: Chapter) -> tuple[list[dict], list[str]]:
    """Read a CSV of households. Returns the rows as form data and every problem, by row and field."""
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


def _parse_rows(reader: csv.DictReader, chapter: Chapter) -> tuple[list[dict], list[str]]:
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
        data = _row_data(row, chapter)
        form = HouseholdForm(MultiValueDict(data), instance=Household(chapter=chapter))
        if not form.is_valid():
            for field, errors in form.errors.items():
                if field not in {"version", "same_address_confirmed"}:
                    problems.append(
                        _("Row %(row)d, %(field)s: %(error)s")
                        % {"row": number, "field": field, "error": " ".join(errors)}
                    )
        rows.append(data)
    if not rows:
        raise ImportRefused(_("The file has a header but no households."))
    return rows, problems


def _row_data(row: dict, chapter: Chapter) -> dict:
    data = MultiValueDict({"version": ["1"], "same_address_confirmed": ["on"]})
    for column, value in {**IMPORT_DEFAULTS, **row}.items():
        if column is None:
            continue
        value = (value or "").strip() or IMPORT_DEFAULTS.get(column, "")
        if column in MULTIPLE:
            data.setlist(column, [part.strip() for part in value.split(";") if part.strip()])
        elif column == "hub":
            hub = chapter.hubs.filter(name__iexact=value).first() if value else None
            data[column] = str(hub.pk) if hub else value
        else:
            data[column] = value
    return {key: data.getlist(key) for key in data}


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
def import_households(rows: list[dict], *, chapter: Chapter, by) -> int:
    """All or nothing: any row that no longer validates undoes the whole import."""
    for data in rows:
        form = HouseholdForm(MultiValueDict(data), instance=Household(chapter=chapter))
        if not form.is_valid():
            raise ImportRefused(_("A row no longer fits; nothing was imported. Upload the file again."))
        take_in(form, by=by)
    return len(rows)


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
