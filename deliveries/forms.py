from django import forms
from django.utils.translation import gettext_lazy as _

from deliveries.models import HouseholdReport, Route, RouteLoad, Stop
from deliveries.planning import conflicts
from mimac.countersign import CountersignForm
from mimac.forms import (
    CategoryQuantitiesMixin,
    IdsField,
    VersionedModelForm,
    chapter_volunteers,
    person_choice,
    quantity_field,
)
from mimac.models import PLANNING_DAYS, Category
from mimac.templatetags.people import name_of
from recipients.models import DietaryNeed, Household, NonFoodNeed


class RouteForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Route
        fields = ["name", "date", "hub", "driver", "helpers"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "helpers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = self.instance.chapter
        self.fields["hub"].queryset = chapter.hubs.filter(active=True)
        for name in ("driver", "helpers"):
            self.fields[name].queryset = chapter_volunteers(chapter)
        self.fields["driver"].label_from_instance = lambda user: user.first_name or user.username
        self.fields["helpers"].label_from_instance = person_choice
        if self.instance.standing_route_id:
            # The planner drafts its standing route's day: another day or hub is another route.
            for name in ("date", "hub"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Drafted from the standing route %(name)s for this day.") % {
                    "name": self.instance.standing_route.name
                }

    def clean(self):
        cleaned = super().clean()
        driver, helpers = cleaned.get("driver"), cleaned.get("helpers") or []
        if driver and driver in helpers:
            self.add_error("helpers", _("The driver is already on the route; choose other helpers."))
        return cleaned


class CandidateFilterForm(forms.Form):
    """Sent by POST with the route builder, so a street typed here never appears in a URL."""

    area = forms.CharField(label=_("Street or area"), required=False, max_length=100)
    need = forms.ChoiceField(
        label=_("Need"), choices=[("", _("Any")), *DietaryNeed.choices, *NonFoodNeed.choices], required=False
    )
    window = forms.ChoiceField(
        label=_("Delivery window"), choices=[("", _("Any")), *Household.Window.choices], required=False
    )


class PlannedItemsForm(CategoryQuantitiesMixin, forms.Form):
    """One quantity field per category; empty means none of it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, stop, **kwargs):
        super().__init__(*args, **kwargs)
        planned = {item.category_id: item.quantity for item in stop.planned_items.all()}
        self.categories = list(Category.objects.filter(active=True))
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = quantity_field(category, initial=planned.get(category.pk))
        self.fields["version"].initial = stop.route.version

    def items(self) -> dict:
        return dict(self.lines())


class StopRecordForm(CategoryQuantitiesMixin, forms.Form):
    """What happened at a stop; the quantities start at what was planned."""

    outcome = forms.ChoiceField(label=_("What happened"), choices=Stop.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, stop, diet=True, **kwargs):
        super().__init__(*args, **kwargs)
        items = list(stop.planned_items.all())
        clashes = conflicts(stop.household, [item.category for item in items], diet=diet)
        self.categories = []
        for item in items:
            category = item.category
            self.categories.append(category)
            warnings = " ".join(f"⚠ {warning}" for warning in clashes.get(category.code, []))
            self.fields[f"category_{category.pk}"] = quantity_field(category, initial=item.quantity, help_text=warnings)


class KeyInForm(forms.Form):
    """Every stop of a returned paper sheet in one form, in the sheet's order."""

    sheet_returned = forms.BooleanField(label=_("The sheet came back"), required=False, initial=True)

    def __init__(self, *args, stops, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for planned in stops:
            stop = planned.stop
            if stop.outcome:
                self.rows.append((planned, []))
                continue
            prefix = f"stop_{stop.pk}"
            outcome = forms.ChoiceField(
                label=_("Outcome"),
                choices=[("", "—"), *Stop.Outcome.choices],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{prefix}_outcome"] = outcome
            names = [f"{prefix}_outcome"]
            for item in planned.items:
                name = f"{prefix}_category_{item.category_id}"
                self.fields[name] = quantity_field(
                    item.category,
                    initial=item.quantity,
                    widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
                )
                names.append(name)
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=_("Note"), required=False, max_length=300, widget=forms.TextInput(attrs={"class": "form-control"})
            )
            names.append(f"{prefix}_note")
            self.rows.append((planned, names))

    def stop_rows(self) -> list:
        """(planned stop, its bound fields) in the sheet's order; no fields for stops already recorded."""
        return [(planned, [self[name] for name in names]) for planned, names in self.rows]

    def entries(self) -> list:
        """(stop, outcome, lines, note) for every stop still to record."""
        result = []
        for planned, names in self.rows:
            if not names:
                continue
            prefix = f"stop_{planned.stop.pk}"
            lines = [
                (item.category, self.cleaned_data[f"{prefix}_category_{item.category_id}"])
                for item in planned.items
                if self.cleaned_data.get(f"{prefix}_category_{item.category_id}")
            ]
            result.append(
                (planned.stop, self.cleaned_data[f"{prefix}_outcome"], lines, self.cleaned_data[f"{prefix}_note"])
            )
        return result

    def clean(self):
        cleaned = super().clean()
        for planned, names in self.rows:
            outcome = f"stop_{planned.stop.pk}_outcome"
            delivered = names and cleaned.get(outcome) == Stop.Outcome.DELIVERED
            if delivered and not any(cleaned.get(name) for name in names[1:-1]):
                self.add_error(outcome, _("Delivered, but no quantity: enter what was handed over."))
        return cleaned


class HouseholdReportForm(forms.ModelForm):
    class Meta:
        model = HouseholdReport
        fields = ["date", "kind", "via", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.household = household  # whose chapter's calendar the date is checked against
        self.fields["date"].initial = household.chapter.today()


class LoadForm(CategoryQuantitiesMixin, CountersignForm):
    """What left the hub for the route, countersigned by a second member there; or what came back."""

    direction = forms.ChoiceField(label=_("This is"), choices=RouteLoad.Direction.choices, widget=forms.RadioSelect)
    countersign_refused = _(
        "A second trusted member of the chapter countersigns what leaves the hub: check their username and password."
    )

    def __init__(self, *args, route, recorder, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.route, self.recorder, self.request = route, recorder, request
        self.categories = list(Category.objects.filter(active=True))
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = quantity_field(category)
        self.order_fields(["direction", *[f"category_{c.pk}" for c in self.categories]])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Enter at least one quantity."))
        if cleaned.get("direction") == RouteLoad.Direction.OUT:
            cleaned["countersigned_by"] = self.countersigner(
                chapter=self.route.chapter, recorder=self.recorder, request=self.request
            )
        return cleaned


class RouteListForm(forms.Form):
    """Which days the route list shows. Blank "From" means from the first route, blank "To" to the last."""

    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day comes before the first."))
        return cleaned


class DayForm(forms.Form):
    """Which day the day board shows: a day the chapter may have routes on."""

    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, chapter, **kwargs):
        super().__init__(*args, **kwargs)
        self.chapter = chapter

    def clean_date(self):
        day = self.cleaned_data["date"]
        refusal = self.chapter.date_refusal(day, days_ahead=PLANNING_DAYS)
        if refusal:
            raise forms.ValidationError(refusal)
        return day


class MoveStopsForm(forms.Form):
    """Stops of a published route nobody recorded yet, and the published route of the same day they move to."""

    stops = IdsField(
        label=_("Stops to move"),
        queryset=Stop.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one stop to move.")},
    )
    to_route = forms.ModelChoiceField(
        label=_("Move them to the route"),
        queryset=Route.objects.none(),
        error_messages={"required": _("Choose the route that takes them.")},
    )

    def __init__(self, *args, route: Route, **kwargs):
        super().__init__(*args, **kwargs)
        if route.status == Route.Status.PUBLISHED:
            remaining = route.stops.filter(outcome="").select_related("household__chapter")
            self.fields["stops"].queryset = remaining.prefetch_related("planned_items__category")
        others = Route.objects.filter(chapter=route.chapter, date=route.date, status=Route.Status.PUBLISHED)
        self.fields["to_route"].queryset = others.exclude(pk=route.pk).select_related("driver").order_by("name", "pk")
        self.fields["to_route"].label_from_instance = _route_choice


def _route_choice(route: Route) -> str:
    return f"{route.name} ({name_of(route.driver)})"
