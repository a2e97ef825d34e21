"""What every member sees of the chapter's money: the money page, the rows behind each figure, the printed statement,
each row with its history. Recording is in record_views.py; receipts are photos, served by the photo view to whom
`receipt_photo_action` allows."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ledger.models import LedgerHead
from ledger.services import CorrectionRefused
from mimac import access
from mimac.access import Action
from mimac.models import TrailEvent, record
from mimac.spreadsheets import csv_response
from mimac.templatetags.people import name_of
from money import queries, services
from money.forms import CorrectionForm, RowsFilterForm
from money.models import CashCount, MoneyEntry, MoneySettings
from money.privacy import Reader

ROWS_PER_PAGE = 100


def _render(request, chapter, template: str, context: dict):
    """Times where the chapter is, whatever zones the reader's chapters are in, as on its ledger and audit rows."""
    with timezone.override(chapter.zone):
        return render(request, template, {"chapter": chapter, "money": MoneySettings.of(chapter), **context})


@require_safe
def choose(request):
    """The money page of the user's only chapter, or a choice of chapters."""
    chapters = access.chapters_where(request.user, Action.VIEW_MONEY)
    if len(chapters) == 1:
        return redirect("money:home", code=chapters[0].code)
    return render(request, "money/choose.html", {"chapters": sorted(chapters, key=lambda chapter: chapter.name)})


def _month(request, chapter) -> datetime.date:
    """The month asked for (?month=2026-03), or this month; never one that has not begun."""
    try:
        asked = datetime.date.fromisoformat(f"{request.GET.get('month', '')}-01")
    except ValueError:
        return chapter.today()
    return min(asked, chapter.today())


@require_safe
def home(request, code):
    """Every member's view of the chapter's money: what each account holds, and this month's and this year's money
    in and out, each figure a link to its rows."""
    chapter = access.get_chapter(request, code, Action.VIEW_MONEY)
    report = queries.report(chapter, _month(request, chapter))
    previous = report.month_start - datetime.timedelta(days=1)
    own_dues = MoneyEntry.objects.newest().filter(chapter=chapter, kind=MoneyEntry.Kind.DUES, member=request.user.pk)
    context = {
        "report": report,
        "totals": report.totals,
        "counts": queries.latest_counts(chapter),
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{report.month_end + datetime.timedelta(days=1):%Y-%m}"
        if report.month_end < chapter.today()
        else "",
        "may_record": access.may(request.user, chapter, Action.RECORD_MONEY),
        "may_manage": access.may(request.user, chapter, Action.MANAGE_MONEY),
        "is_member": access.membership_in(request.user, chapter) is not None,
        "own_dues": queries.in_and_out(own_dues.filter(date__year=report.month_start.year))[0],
        "own_dues_url": _rows_url(chapter, kind=MoneyEntry.Kind.DUES, member=request.user.pk),
    }
    return _render(request, chapter, "money/home.html", context)


def _rows_url(chapter, **filters) -> str:
    return f"{reverse('money:rows', args=[chapter.code])}?{urlencode(filters)}"


@require_safe
def rows(request, code):
    """The rows behind a figure of the money page (or any choice of days, account, kind and purpose), with their
    totals; as CSV too."""
    chapter = access.get_chapter(request, code, Action.VIEW_MONEY)
    reader = Reader.of(request.user, chapter)
    form = RowsFilterForm(request.GET, chapter=chapter)
    if not form.is_valid():
        return _render(request, chapter, "money/rows.html", {"form": form, "page": None})
    filters = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
    member = filters.get("member")
    if member is not None and member != request.user and not reader.sees_payers:
        access.refuse(request.user, chapter, "money rows of another member")  # whose dues is theirs to know
    found = queries.rows(chapter, **filters)
    came_in, went_out = queries.in_and_out(found)
    if request.GET.get("csv"):
        return _csv(request, chapter, reader, found)
    page = Paginator(found, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [reader.described(entry, chapter.zone) for entry in page],
        "came_in": came_in,
        "went_out": went_out,
        "net": came_in - went_out,
    }
    return _render(request, chapter, "money/rows.html", context)


CSV_HEADER = [
    "sequence", "date", "account", "kind", "purpose", "who", "in", "out", "countersigned by", "receipt", "note",
    "recorded by", "recorded at",
]  # fmt: skip


def _csv(request, chapter, reader: Reader, found):
    record(TrailEvent.Kind.EXPORTED, request.user, chapter, "money rows")
    body = []
    for entry in found.iterator(chunk_size=500):
        row = reader.described(entry, chapter.zone, name=name_of)
        body.append([
            entry.sequence, row["date"], row["account"], entry.get_kind_display(), entry.get_purpose_display(),
            row["who"], row["came_in"], row["went_out"], row["countersigned_by"], _("yes") if row["receipt"] else "",
            row["note"], row["recorded_by"], row["recorded_at"],
        ])  # fmt: skip
    return csv_response(f"mimac-{chapter.code}-money-{chapter.today()}.csv", CSV_HEADER, body)


@require_safe
def statement(request, code):
    """One page to print, post at the hub or hand out at a meeting: the month's and year's money, what each account
    holds, the month's cash counts, and the ledger's chain head to check the rows against later. No names."""
    chapter = access.get_chapter(request, code, Action.VIEW_MONEY)
    report = queries.report(chapter, _month(request, chapter))
    context = {"report": report, "totals": report.totals, "head": LedgerHead.objects.filter(chapter=chapter).first()}
    return _render(request, chapter, "money/statement.html", context)


def _entry(request, pk) -> MoneyEntry:
    related = ("chapter", "account", "recorded_by", "member", "countersigned_by", "receipt", "pair__account")
    entry = get_object_or_404(MoneyEntry._base_manager.select_related(*related), pk=pk)
    access.require(request.user, entry.chapter, Action.VIEW_MONEY)
    return entry


def _may_correct(request, row) -> bool:
    """Coordinators correct any row; whoever may record money, the rows they recorded."""
    chapter = row.chapter
    if access.may(request.user, chapter, Action.CORRECT_MONEY):
        return True
    return row.recorded_by_id == request.user.pk and access.may(request.user, chapter, Action.RECORD_MONEY)


def entry(request, pk):
    """One money row with its history, and a correction form for who may correct it."""
    entry = _entry(request, pk)
    chapter, reader = entry.chapter, Reader.of(request.user, entry.chapter)
    history = entry.history()
    newest = history[-1]
    form = None
    if entry.pk == newest.pk and _may_correct(request, entry):
        form = CorrectionForm(request.POST or None, entry=entry, recorder=request.user, request=request)
    if request.method == "POST":
        if form is None:
            access.refuse(request.user, chapter, "correct a money row")
        if form.is_valid():
            data = form.cleaned_data
            try:
                correction = services.correct_entry(
                    entry, by=request.user, amount=data["amount"], reason=data["reason"],
                    countersigned_by=data.get("countersigned_by"),
                )  # fmt: skip
            except CorrectionRefused as refusal:
                messages.error(request, str(refusal))
                return redirect("money:entry", pk=entry.pk)
            messages.success(request, _("Correction recorded; the row as first written stays in the ledger."))
            return redirect("money:entry", pk=correction.pk)
    context = {
        "entry": entry,
        "row": reader.described(entry, chapter.zone),
        "history": [(row, reader.described(row, chapter.zone)) for row in history],
        "newest": newest,
        "form": form,
        "other_half": entry.pair if entry.pair_id else getattr(entry, "paired", None),
        "may_erase_donor": bool(entry.donor_name) and access.may(request.user, chapter, Action.MANAGE_MONEY),
        "ledger_url": _ledger_url(request, entry),
    }
    return _render(request, chapter, "money/entry.html", context)


def _ledger_url(request, row) -> str:
    """The row's page in the ledger, for whoever may open it there."""
    if access.may(request.user, row.chapter, Action.VIEW_LEDGER) or row.recorded_by_id == request.user.pk:
        return reverse("ledger:entry", args=[row._meta.model_name, row.pk])
    return ""


@require_POST
def erase_donor(request, pk):
    """A donor asked to be forgotten: their name is blanked on the row and its corrections. The chain holds."""
    entry = _entry(request, pk)
    access.require(request.user, entry.chapter, Action.MANAGE_MONEY)
    if services.erase_donor_name(entry):
        messages.success(request, _("The donor's name is erased. The donation stays, anonymous."))
    return redirect("money:entry", pk=entry.pk)


def count(request, pk):
    """One cash count against the rows, with its history and a correction form for who may correct it."""
    count = get_object_or_404(CashCount._base_manager.select_related("chapter", "account", "counted_by"), pk=pk)
    chapter = count.chapter
    access.require(request.user, chapter, Action.VIEW_MONEY)
    history = count.history()
    form = None
    if count.pk == history[-1].pk and _may_correct(request, count):
        form = CorrectionForm(request.POST or None, entry=count, recorder=request.user, request=request)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                correction = services.correct_count(
                    count, by=request.user, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"]
                )
            except CorrectionRefused as refusal:
                messages.error(request, str(refusal))
                return redirect("money:count", pk=count.pk)
            messages.success(request, _("Correction recorded; the count as first written stays in the ledger."))
            return redirect("money:count", pk=correction.pk)
    [check] = queries.count_checks(CashCount._base_manager.filter(pk=count.pk))
    context = {"count": count, "check": check, "history": history, "newest": history[-1], "form": form,
               "ledger_url": _ledger_url(request, count)}  # fmt: skip
    return _render(request, chapter, "money/count.html", context)
