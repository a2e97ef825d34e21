"""Recording money: a row of each kind, a transfer, a cash count; and a chapter's accounts and money settings."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mimac import access
from mimac.access import Action
from mimac.views import edit_versioned
from money import queries, services
from money.forms import ROW_FORMS, AccountForm, CashCountForm, MoneySettingsForm, NewAccountForm, TransferForm
from money.models import Account, CashCount, MoneySettings
from money.views import _render

# The heading and button of each kind's page.
TITLES = {
    "dues": (gettext_lazy("Record dues"), gettext_lazy("Record the dues")),
    "donation": (gettext_lazy("Record a donation"), gettext_lazy("Record the donation")),
    "income": (gettext_lazy("Record other income"), gettext_lazy("Record the income")),
    "spending": (gettext_lazy("Record spending"), gettext_lazy("Record the spending")),
}


def record(request, code, kind):
    """Money in (dues, a donation, other income) or spending, into one of the chapter's accounts."""
    chapter = access.get_chapter(request, code, Action.RECORD_MONEY)
    if kind not in ROW_FORMS:
        raise Http404
    form = ROW_FORMS[kind](
        request.POST or None, request.FILES or None, chapter=chapter, recorder=request.user, request=request
    )
    if form.is_valid():
        data = form.cleaned_data
        entry = services.record(
            account=data["account"], by=request.user, kind=kind, amount=data["amount"], date=data["date"],
            receipt_photo=data.get("receipt"), countersigned_by=data.get("countersigned_by"), **form.details(),
        )  # fmt: skip
        messages.success(
            request,
            _("Recorded: %(what)s, %(amount)s, %(account)s.")
            % {"what": entry.what, "amount": form.settings.show(entry.amount), "account": entry.account},
        )
        return redirect("money:home", code=chapter.code)
    title, button = TITLES[kind]
    context = {"form": form, "title": title, "button": button, "has_accounts": chapter.money_accounts.exists()}
    return _render(request, chapter, "money/record.html", context)


def transfer(request, code):
    """Money moved between two of the chapter's accounts, as two linked rows."""
    chapter = access.get_chapter(request, code, Action.RECORD_MONEY)
    form = TransferForm(request.POST or None, chapter=chapter, recorder=request.user, request=request)
    if form.is_valid():
        data = form.cleaned_data
        out, into = services.transfer(
            source=data["account"], destination=data["destination"], by=request.user, amount=data["amount"],
            date=data["date"], countersigned_by=data.get("countersigned_by"), note=data["note"],
        )  # fmt: skip
        messages.success(
            request,
            _("Recorded: %(amount)s moved from %(source)s to %(destination)s.")
            % {"amount": form.settings.show(out.amount), "source": out.account, "destination": into.account},
        )
        return redirect("money:home", code=chapter.code)
    context = {
        "form": form,
        "title": _("Move money between accounts"),
        "button": _("Record the transfer"),
        "has_accounts": chapter.money_accounts.count() > 1,
    }
    return _render(request, chapter, "money/record.html", context)


def cash_count(request, code):
    """Count a cash box (or read a bank statement) against what its rows say; the latest counts below."""
    chapter = access.get_chapter(request, code, Action.RECORD_MONEY)
    form = CashCountForm(request.POST or None, chapter=chapter, counter=request.user)
    if form.is_valid():
        count = services.count_cash(by=request.user, **form.cleaned_data)
        [check] = queries.count_checks(CashCount.objects.filter(pk=count.pk))
        messages.success(request, _counted(check, MoneySettings.of(chapter)))
        return redirect("money:cash_count", code=chapter.code)
    recent = CashCount.objects.newest().filter(chapter=chapter).order_by("-date", "-sequence")[:10]
    checks = queries.count_checks(CashCount.objects.filter(pk__in=[count.pk for count in recent]))
    context = {
        "form": form,
        "checks": sorted(checks, key=lambda check: (check.count.date, check.count.sequence), reverse=True),
    }
    return _render(request, chapter, "money/cash_count.html", context)


def _counted(check, settings: MoneySettings) -> str:
    facts = {
        "counted": settings.show(check.count.amount),
        "expected": settings.show(check.expected),
        "difference": settings.show(abs(check.difference)),
        "tolerance": settings.show(settings.cash_tolerance),
    }
    if check.difference == 0:
        return _("Count recorded: %(counted)s, as the rows say.") % facts
    if not check.flagged:
        return _("Count recorded: %(counted)s; the rows say %(expected)s, within the tolerance of %(tolerance)s.") % (
            facts
        )
    if check.difference < 0:
        message = _(
            "Count recorded: %(counted)s, %(difference)s less than the rows say (%(expected)s). Beyond the tolerance "
            "of %(tolerance)s, so the audit flags it: look for money that went out unrecorded."
        )
    else:
        message = _(
            "Count recorded: %(counted)s, %(difference)s more than the rows say (%(expected)s). Beyond the tolerance "
            "of %(tolerance)s, so the audit flags it: look for money that came in unrecorded."
        )
    return message % facts


def accounts(request, code):
    """The chapter's accounts, and a new one with what it holds already."""
    chapter = access.get_chapter(request, code, Action.MANAGE_MONEY)
    form = NewAccountForm(request.POST or None, instance=Account(chapter=chapter))
    if form.is_valid():
        data = form.cleaned_data
        services.open_account(
            chapter=chapter, by=request.user, name=data["name"], kind=data["kind"], holds=data["holds"] or 0,
            date=chapter.today(),
        )  # fmt: skip
        messages.success(request, _("Account added."))
        return redirect("money:accounts", code=chapter.code)
    context = {"form": form, "holdings": queries.holdings(chapter, chapter.today())}
    return _render(request, chapter, "money/accounts.html", context)


def account_edit(request, pk):
    account = get_object_or_404(Account.objects.select_related("chapter"), pk=pk)
    access.require(request.user, account.chapter, Action.MANAGE_MONEY)
    form = AccountForm(request.POST or None, instance=account)
    next_url = reverse("money:accounts", args=[account.chapter.code])
    context = {"chapter": account.chapter, "money": MoneySettings.of(account.chapter), "account": account}
    return edit_versioned(request, form, "money/account_form.html", context, _("Account saved."), next_url)


def money_settings(request, code):
    chapter = access.get_chapter(request, code, Action.MANAGE_MONEY)
    settings = MoneySettings.objects.filter(chapter=chapter).first() or MoneySettings(chapter=chapter)
    form = MoneySettingsForm(request.POST or None, instance=settings)
    context = {"chapter": chapter, "money": settings}
    return edit_versioned(request, form, "money/settings.html", context, _("Money settings saved."), request.path)
