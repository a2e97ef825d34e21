from django import forms
from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from mimac.forms import VersionedModelForm
from recipients.models import DietaryNeed, Household, NonFoodNeed

HOUSEHOLD_FIELDS = [
    "name",
    "mode",
    "address",
    "unit",
    "access_notes",
    "hub",
    "delivery_reason",
    "delivery_window",
    "size",
    "children",
    "seniors",
    "dietary_needs",
    "allergies",
    "language",
    "non_food_needs",
    "diaper_size",
    "clothing_sizes",
    "contact",
    "phone",
    "consent_on",
]


class HouseholdForm(VersionedModelForm):
    dietary_needs = forms.MultipleChoiceField(
        label=_("Dietary needs"), choices=DietaryNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    non_food_needs = forms.MultipleChoiceField(
        label=_("Non-food needs"), choices=NonFoodNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    same_address_confirmed = forms.BooleanField(
        label=_("Yes, this is a different household at the same address"), required=False
    )

    class Meta(VersionedModelForm.Meta):
        model = Household
        fields = HOUSEHOLD_FIELDS
        widgets = {"consent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = self.instance.chapter.hubs.filter(active=True)
        self.fields["consent_on"].help_text = _("The day they agreed that we keep this information.")
        self.duplicate = None

    def clean_size(self):
        size = self.cleaned_data["size"]
        if size < 1:
            raise forms.ValidationError(_("A household has at least one person."))
        return size

    def clean(self):
        cleaned = super().clean()
        size, children, seniors = (cleaned.get(name) for name in ("size", "children", "seniors"))
        if None not in (size, children, seniors) and children + seniors > size:
            self.add_error(
                "children", _("Children and seniors together cannot be more than the people in the household.")
            )
        mode = cleaned.get("mode")
        if mode == Household.Mode.DELIVERY and not cleaned.get("address"):
            self.add_error("address", _("A delivery needs an address."))
        if mode == Household.Mode.WALK_IN and not cleaned.get("hub"):
            self.add_error("hub", _("Choose the hub where they come to pick up."))
        if cleaned.get("contact") == Household.Contact.PHONE and not cleaned.get("phone"):
            self.add_error("phone", _("Add a phone number, or choose another way to reach them."))
        self._warn_about_same_address(cleaned)
        return cleaned

    def _warn_about_same_address(self, cleaned):
        """A warning the coordinator can confirm past: two households may share an address."""
        address = cleaned.get("address")
        if not address or cleaned.get("same_address_confirmed"):
            return
        others = (
            Household.objects.annotate(address_key=_squeezed("address"), unit_key=_squeezed("unit"))
            .filter(
                chapter=self.instance.chapter,
                status=Household.Status.ACTIVE,
                address_key=address.lower().replace(" ", ""),
                unit_key=cleaned.get("unit", "").lower().replace(" ", ""),
            )
            .exclude(pk=self.instance.pk)
        )
        self.duplicate = others.first()
        if self.duplicate:
            self.add_error(
                "same_address_confirmed",
                _("Household %(code)s already lives at this address. Is this a different household?")
                % {"code": self.duplicate.code},
            )


def _squeezed(column: str):
    # "12  Oak St" and "12 oak st" are one address (the import compares the same way, in Python).
    return Replace(Lower(column), Value(" "), Value(""))


class HubByName(forms.Field):
    """A walk-in hub named in a file, in any case, among the chapter's active hubs fetched once for the file."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.hubs = {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        hub = self.hubs.get(value.strip().casefold())
        if hub is None:
            names = ", ".join(sorted(hub.name for hub in self.hubs.values())) or _("none")
            raise forms.ValidationError(
                _("No active hub of the chapter is called %(name)s. Its hubs: %(names)s."),
                params={"name": value, "names": names},
            )
        return hub


class ImportRowForm(HouseholdForm):
    """The households of a CSV import, one row after another, checked by the intake's rules without asking
    the database anything per row: hubs come by name from a list fetched once, the model's check constraints
    are left to clean(), which mirrors them, and to the database at the save; whether a row looks like a
    household of the chapter is asked once for the whole file (services.mark_lookalikes). One form checks
    every row: making a form copies each of its fields, which for 2,000 rows took twice as long as checking
    them."""

    hub = HubByName(label=_("Walk-in hub"))

    class Meta(HouseholdForm.Meta):
        # The hub is the form's own field, set on the household in clean(): Django would check a model
        # field's hub with a query of its own.
        fields = [name for name in HOUSEHOLD_FIELDS if name != "hub"]

    def __init__(self, *, chapter, hubs):
        super().__init__(None, instance=Household(chapter=chapter))
        self.fields["hub"].hubs = {hub.name.casefold(): hub for hub in hubs}
        del self.fields["version"], self.fields["same_address_confirmed"]

    def check(self, data: dict) -> Household | None:
        """The household a row makes (its cells as form data: lists by column), or None and the errors."""
        self.data, self.is_bound, self._errors = MultiValueDict(data), True, None
        self.instance = Household(chapter=self.instance.chapter)
        return self.instance if self.is_valid() else None

    def clean(self):
        cleaned = super().clean()
        self.instance.hub = cleaned.get("hub")
        return cleaned

    def validate_constraints(self):
        pass

    def _warn_about_same_address(self, cleaned):
        pass


class HouseholdFilterForm(forms.Form):
    """Search and filters of the household list. Sent by POST, so names never appear in a URL."""

    q = forms.CharField(label=_("Code, name or street"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Household.Status.choices], required=False, initial="active"
    )
    mode = forms.ChoiceField(
        label=_("How they receive"), choices=[("", _("Any")), *Household.Mode.choices], required=False
    )
    need = forms.ChoiceField(
        label=_("Need"), choices=[("", _("Any")), *DietaryNeed.choices, *NonFoodNeed.choices], required=False
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any")), *Household._meta.get_field("language").choices]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, with a header row. At most 2,000 households."))


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Household.Status.choices)
