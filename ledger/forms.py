from django import forms
from django.utils.translation import gettext_lazy as _

from mimac.forms import check_quantity


class CorrectionForm(forms.Form):
    """The quantity a ledger row should have said, and why; the row as recorded stays."""

    quantity = forms.DecimalField(label=_("Correct quantity"), max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("Why it is corrected"), max_length=200)

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["quantity"].help_text = _("In %(unit)s. The row as recorded stays in the ledger.") % {
            "unit": entry.category.get_unit_display()
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quantity") is not None:
            check_quantity(self, "quantity", self.entry.category, cleaned["quantity"], allow_zero=True)
        return cleaned
