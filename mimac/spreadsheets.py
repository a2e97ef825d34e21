"""CSV that is safe to open in a spreadsheet."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

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
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return output.getvalue()


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    # Quoted and escaped by Django: a file name never ends the header or starts another.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
