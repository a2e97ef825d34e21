"""The forms of standing deliveries: a household's arrangement (the same recurrence fields and preview as pickup
schedules), its pauses, standing routes and the chapter's planning setting."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deliveries.models import DeliveryArrangement, Pause, PlanningSettings, StandingRoute, StandingStop
from deliveries.planning import suggested_items
from mimac.forms import CategoryQuantitiesMixin, VersionedModelForm, chapter_volunteers, person_choice, quantity_field
from mimac.models import Category
from mimac.recurrence import RecurrenceFields, describe, gives_no_dates


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArrangementForm(RecurrenceFields, CategoryQuantitiesMixin, VersionedModelForm):
    """When a household is due, from which hub, in which window, and its usual items (one field per category,
    starting from what it receives now, or else from its size and needs as the route builder suggests)."""

    field_order = [
        "hub", "pattern", "weekdays", "interval", "month_week", "month_weekday", "month_day", "starts_on", "ends_on",
        "window",
    ]  # fmt: skip

    class Meta(VersionedModelForm.Meta):
        model = DeliveryArrangement
        fields = ["hub", "starts_on", "ends_on", "window"]
        widgets = {"starts_on": _date_input(), "ends_on": _date_input()}
        help_texts = {"ends_on": _("Leave empty while they need deliveries.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        household = self.instance.household
        self.fields["hub"].queryset = household.chapter.hubs.filter(active=True)
        self.show_recurrence(self.instance.rrule if self.instance.pk else None)
        if not self.instance.pk:
            self.initial["starts_on"] = self.initial.get("starts_on") or household.chapter.today()
            self.initial["window"] = self.initial.get("window") or household.delivery_window
            usual = suggested_items(household)
        else:
            usual = {item.category.code: item.quantity for item in self.instance.usual_items.select_related("category")}
        self.categories = list(Category.objects.filter(active=True))
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = quantity_field(category, initial=usual.get(category.code))

    def edited_fields(self) -> list[str]:
        return ["rrule", *super().edited_fields()]

    def shown(self, name: str, value) -> str:
        return describe(value) if name == "rrule" else super().shown(name, value)

    def items(self) -> dict:
        return dict(self.lines())

    def clean(self):
        cleaned = super().clean()
        if self.instance.household.mode != self.instance.household.Mode.DELIVERY:
            raise forms.ValidationError(
                _("They come to a hub for their food: change how they receive to delivery first.")
            )
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        rrule = self.recurrence(cleaned)
        if self.errors or not starts_on:
            return cleaned
        if not self.lines():
            raise forms.ValidationError(_("Enter at least one usual item: a delivery with nothing planned is refused."))
        self.instance.rrule = rrule
        last = gives_no_dates(rrule, starts_on, ends_on)
        if last:
            raise forms.ValidationError(
                _("These choices give no delivery days from %(first)s to %(last)s. Check the days and dates."),
                params={"first": starts_on.isoformat(), "last": last.isoformat()},
            )
        return cleaned


class PauseForm(VersionedModelForm):
    """The model refuses what overlaps, runs backwards, outlasts the retention period or covers a delivered day."""

    class Meta(VersionedModelForm.Meta):
        model = Pause
        fields = ["starts_on", "ends_on", "reason", "note"]
        widgets = {"starts_on": _date_input(), "ends_on": _date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial["starts_on"] = self.initial.get("starts_on") or self.instance.household.chapter.today()


class StandingRouteForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = StandingRoute
        fields = ["name", "weekday", "hub", "driver", "helpers", "active"]
        widgets = {"helpers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = self.instance.chapter
        self.fields["hub"].queryset = chapter.hubs.filter(active=True)
        for name in ("driver", "helpers"):
            self.fields[name].queryset = chapter_volunteers(chapter)
        self.fields["driver"].label_from_instance = lambda user: user.first_name or user.username
        self.fields["helpers"].label_from_instance = person_choice

    def clean(self):
        cleaned = super().clean()
        driver, helpers = cleaned.get("driver"), cleaned.get("helpers") or []
        if driver and driver in helpers:
            self.add_error("helpers", _("The driver is already on the route; choose other helpers."))
        weekday = cleaned.get("weekday")
        if self.instance.pk and weekday is not None and weekday != self.instance._loaded_values.get("weekday"):
            clash = (
                StandingStop.objects.filter(weekday=weekday, household__standing_places__standing_route=self.instance)
                .exclude(standing_route=self.instance)
                .select_related("household__chapter", "standing_route")
                .first()
            )
            if clash:
                self.add_error(
                    "weekday",
                    _("%(code)s is on %(route)s that weekday: move it first.")
                    % {"code": clash.household.code, "route": clash.standing_route.name},
                )
        return cleaned


class PlanningSettingsForm(VersionedModelForm):
    prefix = "planning"

    class Meta(VersionedModelForm.Meta):
        model = PlanningSettings
        fields = ["days_ahead"]


class TransferForm(forms.Form):
    """Another standing route of the chapter to move a household to."""

    to = forms.ModelChoiceField(label=_("Move to"), queryset=StandingRoute.objects.none())

    def __init__(self, *args, place: StandingStop, **kwargs):
        super().__init__(*args, **kwargs)
        source = place.standing_route
        self.fields["to"].queryset = StandingRoute.objects.filter(chapter=source.chapter, active=True).exclude(
            pk=source.pk
        )
        self.fields["to"].label_from_instance = lambda route: f"{route.name} ({route.get_weekday_display()})"
