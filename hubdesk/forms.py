from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hubdesk.models import Spoilage
from mimac.forms import CategoryQuantitiesMixin, chapter_day, chapter_volunteers, check_quantity, quantity_field
from mimac.models import Category
from mimac.photos import PhotoFormField
from recipients.models import Household


class HandoutForm(CategoryQuantitiesMixin, forms.Form):
    """A walk-in handout, made to be keyed in fast: code, quantities, Enter."""

    household_code = forms.CharField(
        label=_("Household code"),
        required=False,
        max_length=20,
        help_text=_("Blank for walk-ins without a code: count them as people instead."),
    )
    people = forms.IntegerField(
        label=_("People"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Blank counts the household's size, or 1 person without a code."),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hand_out_anyway = forms.BooleanField(label=_("Hand out anyway"), required=False)

    def __init__(self, *args, hub, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.hub, self.ended_household = hub, None  # set when the input is held back for a warning
        self.fields["date"].initial = hub.chapter.today()
        self.fields["household_code"].widget.attrs.update(autofocus=True, list="household-codes", autocomplete="off")
        self.categories = categories
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = quantity_field(category)

    def clean_household_code(self):
        code = self.cleaned_data["household_code"].strip().upper()
        if not code:
            return None
        household = Household.objects.by_code(self.hub.chapter, code)
        if household is None:
            raise forms.ValidationError(
                _("No household %(code)s in %(chapter)s. Check the code, or leave it blank for a walk-in.")
                % {"code": code, "chapter": self.hub.chapter.name}
            )
        return household

    def clean_date(self):
        return chapter_day(self.hub.chapter, self.cleaned_data["date"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Enter at least one quantity."))
        household = cleaned.get("household_code")
        if household and household.status != Household.Status.ACTIVE and not cleaned.get("hand_out_anyway"):
            self.ended_household = household
            raise forms.ValidationError(
                _(
                    "%(code)s is %(status)s since %(date)s. Tick “Hand out anyway” to record it, "
                    "and let a coordinator know."
                )
                % {
                    "code": household.code,
                    "status": household.get_status_display().lower(),
                    "date": household.status_since,
                }
            )
        return cleaned


class SpoilageForm(forms.ModelForm):
    """Spoilage at a hub; above the chapter's threshold it needs an evidence photo (never of people)."""

    photo = PhotoFormField(label=_("Evidence photo"), required=False)

    class Meta:
        model = Spoilage
        fields = ["date", "category", "quantity", "reason", "note"]
        labels = {"category": _("Category")}
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.hub = self.instance.hub = hub  # the model checks the date against the hub's chapter
        self.fields["date"].initial = hub.chapter.today()
        self.fields["category"].queryset = Category.objects.filter(active=True)
        self.fields["photo"].help_text = _(
            "Needed above %(threshold)s (in the category's unit). Of the food only: a photo showing a face is refused."
        ) % {"threshold": f"{hub.chapter.spoilage_photo_above.normalize():f}"}

    def clean(self):
        cleaned = super().clean()
        category, quantity = cleaned.get("category"), cleaned.get("quantity")
        if category is not None and quantity is not None:
            check_quantity(self, "quantity", category, quantity)
            if quantity > self.hub.chapter.spoilage_photo_above and not cleaned.get("photo"):
                self.add_error("photo", _("Spoilage this large needs an evidence photo."))
        return cleaned


class StockCountForm(CategoryQuantitiesMixin, forms.Form):
    """A count of the hub's shelves, the categories it holds first. Blank is not counted; 0 is an empty shelf."""

    date = forms.DateField(label=_("Date counted"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    counted_by = forms.ModelChoiceField(label=_("Counted by"), queryset=get_user_model().objects.none())

    def __init__(self, *args, hub, held: set, counter, **kwargs):
        super().__init__(*args, **kwargs)
        self.hub, self.held = hub, held
        self.fields["date"].initial = hub.chapter.today()
        self.fields["counted_by"].queryset = chapter_volunteers(hub.chapter)
        self.fields["counted_by"].initial = counter
        self.fields["counted_by"].label_from_instance = lambda user: user.first_name or user.username
        self.categories = sorted(Category.objects.filter(active=True), key=lambda c: c.pk not in held)
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = quantity_field(category)

    def clean_date(self):
        return chapter_day(self.hub.chapter, self.cleaned_data["date"])

    def lines(self) -> list:
        """Every category counted, zeros included: an empty shelf is a count too."""
        counted = [(c, self.cleaned_data.get(f"category_{c.pk}")) for c in self.categories]
        return [(category, quantity) for category, quantity in counted if quantity is not None]

    def clean(self):
        cleaned = super().clean()
        for category, quantity in self.lines():
            if quantity and category.pk not in self.held:
                self.add_error(
                    f"category_{category.pk}",
                    _(
                        "%(hub)s has never held %(category)s: no pickup, handout, load or count records it. "
                        "Record how it came in first."
                    )
                    % {"hub": self.hub.name, "category": category.label},
                )
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Enter at least one count."))
        return cleaned
