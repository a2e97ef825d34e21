import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from hubdesk.models import Copy, LibrarySettings, Loan, LoanRequest
from mimac.forms import VersionedModelForm
from recipients.models import Household

MAX_CODES = 20  # copies keyed in one go; a household carrying more is lent in two


class CopyForm(forms.ModelForm):
    class Meta:
        model = Copy
        fields = ["title", "kind", "language", "age_group", "condition"]


class LibrarySettingsForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = LibrarySettings
        fields = ["loan_days", "forget_after_days"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Title or code"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=pgettext_lazy("library copy", "Kind"), required=False, choices=[("", _("Any kind")), *Copy.Kind.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    withdrawn = forms.BooleanField(label=_("Show withdrawn copies"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *Copy._meta.get_field("language").choices]


def _codes(text: str) -> list[str]:
    """The codes typed, one per line or separated by spaces or commas, each once, in the order typed."""
    return list(dict.fromkeys(code.upper() for code in re.split(r"[\s,;]+", text) if code))


class _CodesForm(forms.Form):
    """Copy codes keyed in: each must name a copy of this chapter's library. Another chapter's copy is not found,
    like a code that does not exist: its chapter's catalogue is none of this desk's business."""

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.hub = hub

    def clean_copy_codes(self):
        codes = _codes(self.cleaned_data["copy_codes"])
        if len(codes) > MAX_CODES:
            raise forms.ValidationError(
                ngettext("Key at most %(count)d copy at once.", "Key at most %(count)d copies at once.", MAX_CODES)
                % {"count": MAX_CODES}
            )
        copies, unknown = [], []
        for code in codes:
            copy = Copy.objects.by_code(self.hub.chapter, code)
            (unknown.append(code) if copy is None else copies.append(copy))
        if unknown:
            raise forms.ValidationError(
                _("No copy %(codes)s in this chapter's library. Check the label.") % {"codes": ", ".join(unknown)}
            )
        if not copies:
            raise forms.ValidationError(_("Key at least one copy code."))
        return list({copy.pk: copy for copy in copies}.values())


class LendForm(_CodesForm):
    household_code = forms.CharField(label=_("Household code"), max_length=20)
    copy_codes = forms.CharField(
        label=_("Copy codes"), max_length=400, help_text=_("One or more, separated by spaces, e.g. B-0042 C-0007.")
    )
    prefix = "lend"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household_code"].widget.attrs.update(autofocus=True, autocomplete="off")
        self.fields["copy_codes"].widget.attrs.update(autocomplete="off")

    def clean_household_code(self):
        code = self.cleaned_data["household_code"].strip().upper()
        household = Household.objects.by_code(self.hub.chapter, code)
        if household is None:
            raise forms.ValidationError(
                _("No household %(code)s in %(chapter)s. Check the code.")
                % {"code": code, "chapter": self.hub.chapter.name}
            )
        if household.status != Household.Status.ACTIVE:
            raise forms.ValidationError(
                _("%(code)s is %(status)s: the library lends to active households.")
                % {"code": household.code, "status": household.get_status_display().lower()}
            )
        return household

    def clean_copy_codes(self):
        copies = super().clean_copy_codes()
        problems = [
            _("%(code)s is withdrawn from the library.") % {"code": copy.code} for copy in copies if copy.withdrawn
        ]
        out = Loan.objects.open().filter(copy__in=copies).select_related("copy").order_by("copy__number")
        problems += [
            _("%(code)s is lent already, due back %(due)s: return it first.")
            % {"code": loan.copy.code, "due": loan.due_on.isoformat()}
            for loan in out
        ]
        if problems:
            raise forms.ValidationError(problems)
        return copies


class ReturnForm(_CodesForm):
    copy_codes = forms.CharField(
        label=_("Copy codes"), max_length=400, help_text=_("Returns need the copy codes only, no household.")
    )
    prefix = "return"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_codes"].widget.attrs.update(autocomplete="off")


class LoanRequestForm(forms.ModelForm):
    """What a household asks for, from the household page or a paper slip: a kind, a title, or both."""

    class Meta:
        model = LoanRequest
        fields = ["kind", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Copy.Kind.choices]
        self.fields["title"].widget.attrs.update(dir="auto")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("kind") or cleaned.get("title") or self.errors):
            raise forms.ValidationError(_("Say what they ask for: a kind, a title, or both."))
        return cleaned


class PickCopyForm(forms.Form):
    """The copy a driver brings for a request, by its code; empty takes the pick back."""

    copy_code = forms.CharField(label=_("Copy code"), max_length=20, required=False)

    def __init__(self, *args, request: LoanRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_copy_code(self):
        code = self.cleaned_data["copy_code"].strip()
        if not code:
            return None
        chapter = self.request.household.chapter
        copy = Copy.objects.by_code(chapter, code)
        if copy is None:
            message = _("No copy %(code)s in this chapter's library. Check the label.")
            raise forms.ValidationError(message % {"code": code})
        if copy.withdrawn:
            raise forms.ValidationError(_("%(code)s is withdrawn from the library.") % {"code": copy.code})
        loan = Loan.objects.open().filter(copy=copy).first()
        if loan is not None:
            raise forms.ValidationError(
                _("%(code)s is lent already, due back %(due)s.") % {"code": copy.code, "due": loan.due_on.isoformat()}
            )
        if LoanRequest.objects.open().filter(copy=copy).exclude(pk=self.request.pk).exists():
            raise forms.ValidationError(_("%(code)s is picked for another request already.") % {"code": copy.code})
        return copy
