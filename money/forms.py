"""The money forms: a row of each kind, a transfer, a cash count, a correction; accounts and settings.

Each row form checks its fields, then builds the row it would record and asks the model's rules (`money.rules`), so
the form and the service refuse the same things with the same words, each beside its field. Money going out above
the chapter's threshold is countersigned (`mimac.countersign`), checked only once the rest of the form holds, so a
form with a typo does not spend a try of the second member's password.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from mimac.countersign import CountersignForm
from mimac.forms import VersionedModelForm, chapter_day
from mimac.models import Photo
from mimac.photos import PhotoFormField
from money import rules
from money.models import Account, MoneyEntry, MoneySettings

Kind, Direction, NamedTo = MoneyEntry.Kind, MoneyEntry.Direction, MoneyEntry.NamedTo
AMOUNT_ERRORS = {
    "invalid": _("Enter an amount in figures, such as 12.50."),
    "max_decimal_places": _("Amounts have at most two decimal places (cents)."),
    "max_digits": _("That is more than any row can hold: check for an extra zero."),
    "max_whole_digits": _("That is more than any row can hold: check for an extra zero."),
}
# Where a form shows the rules' refusal of a model field it has no field for.
SHOWN_AT = {"countersigned_by": "countersign_username"}


def amount_field(label=None, **options) -> forms.DecimalField:
    return forms.DecimalField(
        label=label or _("Amount"), max_digits=12, decimal_places=2, error_messages=AMOUNT_ERRORS, **options
    )


def chapter_members(chapter):
    """The chapter's active members, to choose who paid or counted."""
    users = get_user_model().objects.filter(memberships__chapter=chapter, memberships__active=True, is_active=True)
    return users.distinct().order_by("first_name", "username")


def _named(field: forms.ModelChoiceField) -> forms.ModelChoiceField:
    field.label_from_instance = lambda user: user.first_name or user.username
    return field


class RowForm(CountersignForm):
    """What every money row has: a date, an account, an amount and a note; a kind adds its own fields."""

    kind = ""
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    amount = amount_field()
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Every member reads it: no names here, who paid has its own field."),
    )

    def __init__(self, *args, chapter, recorder, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.chapter, self.recorder, self.request = chapter, recorder, request
        self.settings = MoneySettings.of(chapter)
        self.fields["date"].initial = chapter.today()
        self.fields["account"].queryset = Account.objects.filter(chapter=chapter, active=True).order_by("name")
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": self.settings.currency}
        if not self.goes_out:  # only money going out is countersigned
            del self.fields["countersign_username"], self.fields["countersign_password"]

    @property
    def goes_out(self) -> bool:
        return self.kind == Kind.SPENDING

    def clean_date(self):
        return chapter_day(self.chapter, self.cleaned_data["date"])

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError(rules.negative_amount())
        if amount == 0:
            raise forms.ValidationError(_("Enter an amount above zero."))
        if amount > self.settings.largest_amount:
            raise forms.ValidationError(rules.too_large(amount, self.settings))
        return amount

    def details(self) -> dict:
        """The kind's own fields, for `services.record`."""
        return {"note": self.cleaned_data["note"]}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.goes_out:
            needed = cleaned["amount"] > self.settings.countersign_above
            if needed and not self.countersign_typed():
                self.add_error("countersign_username", rules.countersign_needed(self.settings))
                return cleaned
            if needed or self.countersign_typed():
                cleaned["countersigned_by"] = self.countersigner(
                    chapter=self.chapter, recorder=self.recorder, request=self.request
                )
        self._check_rules(self.trial())
        return cleaned

    def trial(self) -> MoneyEntry:
        """The row this form would record, unsaved, for the model's rules."""
        data = self.cleaned_data
        entry = MoneyEntry(
            account=data["account"], kind=self.kind, amount=data["amount"], date=data["date"],
            direction=Direction.OUT if self.goes_out else Direction.IN, recorded_by=self.recorder,
            countersigned_by=data.get("countersigned_by"), **self.details(),
        )  # fmt: skip
        if data.get("receipt"):
            entry.receipt = Photo(chapter=self.chapter)
        return entry

    def _check_rules(self, entry: MoneyEntry):
        for name, message in entry.problems().items():
            name = SHOWN_AT.get(name, name)
            self.add_error(name if name in self.fields else None, message)


class DuesForm(RowForm):
    kind = Kind.DUES
    member = _named(
        forms.ModelChoiceField(
            label=_("Paid by"),
            queryset=get_user_model().objects.none(),
            required=False,
            help_text=_("Blank for a collection (a meeting's hat, a jar): then say how many paid, if you know."),
        )
    )
    payers = forms.IntegerField(label=_("How many paid"), required=False, min_value=1, max_value=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = chapter_members(self.chapter)
        self.order_fields(["date", "account", "amount", "member", "payers", "note"])

    def details(self) -> dict:
        return {**super().details(), "member": self.cleaned_data["member"], "payers": self.cleaned_data["payers"]}


class DonationForm(RowForm):
    kind = Kind.DONATION
    donor_named_to = forms.ChoiceField(
        label=_("The donor"),
        choices=NamedTo.choices,
        initial=NamedTo.NOBODY,
        widget=forms.RadioSelect,
        help_text=_("Anonymous unless the donor asked to be named, and to whom."),
    )
    donor_name = forms.CharField(
        label=_("Donor's name"),
        required=False,
        max_length=100,
        help_text=_("Only if the donor asked to be named. Erased a year after the donation, or sooner if they ask."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["date", "account", "amount", "donor_named_to", "donor_name", "note"])

    def details(self) -> dict:
        data = self.cleaned_data
        return {**super().details(), "donor_named_to": data["donor_named_to"], "donor_name": data["donor_name"].strip()}


class IncomeForm(RowForm):
    kind = Kind.INCOME

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = _("What it was")
        self.fields["note"].help_text = _("A refund, a deposit back, the sale of something: every member reads it.")


class SpendingForm(RowForm):
    kind = Kind.SPENDING
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "—"), *MoneyEntry.Purpose.choices])
    receipt = PhotoFormField(label=_("Receipt photo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("What was bought, and where")
        self.fields["receipt"].help_text = _(
            "Of the receipt only, no people in it. Coordinators and auditors see it; other members see that there "
            "is one."
        )
        self.order_fields(["date", "account", "amount", "purpose", "note", "receipt"])

    def details(self) -> dict:
        return {**super().details(), "purpose": self.cleaned_data["purpose"]}


ROW_FORMS = {Kind.DUES: DuesForm, Kind.DONATION: DonationForm, Kind.INCOME: IncomeForm, Kind.SPENDING: SpendingForm}


class TransferForm(RowForm):
    """Money moved between two of the chapter's accounts: the cash taken to the bank, say."""

    kind = Kind.TRANSFER
    destination = forms.ModelChoiceField(label=_("Into"), queryset=Account.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].label = _("Out of")
        self.fields["destination"].queryset = self.fields["account"].queryset
        self.order_fields(["date", "account", "destination", "amount", "note"])

    @property
    def goes_out(self) -> bool:
        return True

    def clean_destination(self):
        destination = self.cleaned_data["destination"]
        if destination == self.cleaned_data.get("account"):
            raise forms.ValidationError(_("Money moves between two accounts: choose another one to move it into."))
        return destination


class CashCountForm(forms.Form):
    """The money counted in a cash box, or the balance on a bank statement, and who counted it."""

    date = forms.DateField(label=_("Date counted"), widget=forms.DateInput(attrs={"type": "date"}))
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    amount = amount_field(label=_("Counted"), min_value=0)
    counted_by = _named(forms.ModelChoiceField(label=_("Counted by"), queryset=get_user_model().objects.none()))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, chapter, counter, **kwargs):
        super().__init__(*args, **kwargs)
        self.chapter = chapter
        self.fields["date"].initial = chapter.today()
        accounts = Account.objects.filter(chapter=chapter, active=True).order_by("kind", "name")  # cash boxes first
        self.fields["account"].queryset = accounts
        self.fields["amount"].help_text = _("In %(currency)s: every note and coin, or the statement's balance.") % {
            "currency": MoneySettings.of(chapter).currency
        }
        self.fields["amount"].error_messages["min_value"] = _("A count is never below zero: count what is there.")
        self.fields["counted_by"].queryset = chapter_members(chapter)
        self.fields["counted_by"].initial = counter

    def clean_date(self):
        return chapter_day(self.chapter, self.cleaned_data["date"])


class CorrectionForm(CountersignForm):
    """The amount a row should have said, and why; the row as recorded stays. Money going out is countersigned
    again when the corrected amount is above the chapter's threshold."""

    amount = amount_field(label=_("Correct amount"))
    reason = forms.CharField(label=_("Why it is corrected"), max_length=200)

    def __init__(self, *args, entry, recorder, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry, self.recorder, self.request = entry, recorder, request
        self.settings = MoneySettings.of(entry.account.chapter)
        self.fields["amount"].help_text = _("In %(currency)s; 0 if it should not have been recorded at all.") % {
            "currency": self.settings.currency
        }
        self.order_fields(["amount", "reason"])
        if not self.goes_out:
            del self.fields["countersign_username"], self.fields["countersign_password"]

    @property
    def goes_out(self) -> bool:
        return getattr(self.entry, "direction", None) == Direction.OUT or (
            getattr(self.entry, "kind", None) == Kind.TRANSFER
        )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError(rules.negative_amount())
        limited = getattr(self.entry, "kind", Kind.OPENING) != Kind.OPENING  # not a count, nor a balance brought in
        if limited and amount > self.settings.largest_amount:
            raise forms.ValidationError(rules.too_large(amount, self.settings))
        if amount == self.entry.amount:
            raise forms.ValidationError(_("That is the amount the row says already."))
        return amount

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.goes_out:
            return cleaned
        needed = cleaned["amount"] > self.settings.countersign_above
        if needed and not self.countersign_typed():
            self.add_error("countersign_username", rules.countersign_needed(self.settings))
        elif needed or self.countersign_typed():
            cleaned["countersigned_by"] = self.countersigner(
                chapter=self.entry.account.chapter, recorder=self.recorder, request=self.request
            )
        return cleaned


class AccountForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Account
        fields = ["name", "kind", "active"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Account.objects.filter(chapter=self.instance.chapter, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This chapter already has an account with that name."))
        return name


class NewAccountForm(AccountForm):
    """An account, and what it holds already: brought forward as its first row."""

    holds = amount_field(label=_("It holds now"), required=False, min_value=0)

    class Meta(AccountForm.Meta):
        fields = ["name", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holds"].help_text = _(
            "In %(currency)s: the cash in the box, or the bank's balance, today. Blank for nothing."
        ) % {"currency": MoneySettings.of(self.instance.chapter).currency}
        self.fields["holds"].error_messages["min_value"] = rules.negative_amount()


class MoneySettingsForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = MoneySettings
        fields = ["currency", "countersign_above", "receipt_above", "largest_amount", "cash_tolerance"]


class RowsFilterForm(forms.Form):
    """Which rows the list shows: read from the query string (every figure of the money page links here)."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False, empty_label=_("Any")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any")), *Kind.choices], required=False)
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", _("Any")), *MoneyEntry.Purpose.choices], required=False
    )
    member = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, chapter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(chapter=chapter).order_by("name")
        # Whoever paid dues here, members still or not.
        self.fields["member"].queryset = get_user_model().objects.filter(memberships__chapter=chapter).distinct()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The last day comes before the first."))
        return cleaned
