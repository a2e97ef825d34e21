"""CSV that is safe to open in a spreadsheet, and CSV read back from one: every CSV MIMAC writes or
reads goes through here."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text that could run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int | float):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: list, rows) -> str:
    """Every cell is quoted, so a spreadsheet that splits on semicolons does not start a new cell (a
    formula, perhaps) at a semicolon inside one."""
    output = io.StringIO()
    writer = csv.writer(output, quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return output.getvalue()


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    # Quoted and escaped by Django: a file name never ends the header or starts another.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class CsvRefused(ValueError):
    pass


def csv_reader(text: str) -> csv.DictReader:
    """The rows of a CSV with a header row, as dicts. A column named twice is refused: a dict would keep
    only its last cell, without a word. (Blank names are left to the caller's check of known columns.)"""
    reader = csv.DictReader(io.StringIO(text))
    names = [name for name in reader.fieldnames or [] if name.strip()]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise CsvRefused(
            _("The header row names a column more than once: %(columns)s. Keep one of each.")
            % {"columns": ", ".join(twice)}
        )
    return reader
