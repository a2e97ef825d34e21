"""The form of a member's time away. The model refuses what cannot be (past, backwards, too long, overlapping)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mimac.models import Absence


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["starts_on", "ends_on"]
        widgets = {"starts_on": _date_input(), "ends_on": _date_input()}
        labels = {"starts_on": _("First day away"), "ends_on": _("Last day away")}
        help_texts = {"ends_on": _("You can take pickups and routes again the day after.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("starts_on", self.instance.membership.chapter.today())
