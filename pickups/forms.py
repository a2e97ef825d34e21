import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from mimac.forms import CategoryQuantitiesMixin, VersionedModelForm, chapter_day, check_quantity, quantity_field
from mimac.models import PLANNING_DAYS, Category, ClosureDay, Role, Trust
from mimac.photos import PhotoFormField
from mimac.recurrence import RecurrenceFields, describe, gives_no_dates
from pickups.models import Pickup, PickupSchedule, Supplier, SupplierClosure


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ScheduleForm(RecurrenceFields, VersionedModelForm):
    skip_dates_text = forms.CharField(
        label=_("Dates to skip"),
        required=False,
        max_length=366 * len("2026-12-24\n"),  # a whole year of dates, one a line
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line, as 2026-12-24. Chapter holidays and supplier closures are skipped anyway."),
    )

    field_order = [
        "hub", "pattern", "weekdays", "interval", "month_week", "month_weekday", "month_day", "starts_on", "ends_on",
        "window_start", "window_end", "skip_dates_text", "default_volunteers", "active",
    ]  # fmt: skip

    class Meta(VersionedModelForm.Meta):
        model = PickupSchedule
        fields = ["hub", "starts_on", "ends_on", "window_start", "window_end", "default_volunteers", "active"]
        widgets = {
            "starts_on": _date_input(),
            "ends_on": _date_input(),
            "window_start": _time_input(),
            "window_end": _time_input(),
            "default_volunteers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = self.instance.supplier.chapter
        self.fields["hub"].queryset = chapter.hubs.filter(active=True)
        self.fields["default_volunteers"].queryset = (
            get_user_model()
            .objects.filter(memberships__chapter=chapter, memberships__active=True, memberships__trust=Trust.TRUSTED)
            .order_by("first_name")
        )
        self.fields["default_volunteers"].label_from_instance = lambda user: user.first_name or user.username
        self.show_recurrence(self.instance.rrule if self.instance.pk else None)
        if self.instance.pk:
            self.initial["skip_dates_text"] = "\n".join(self.instance.skip_dates)

    def edited_fields(self) -> list[str]:
        # The recurrence and skipped dates are the model's, edited through the fields above.
        return ["rrule", *super().edited_fields(), "skip_dates"]

    def shown(self, name: str, value) -> str:
        return describe(value) if name == "rrule" else super().shown(name, value)

    def clean_skip_dates_text(self):
        dates = []
        for number, line in enumerate(self.cleaned_data["skip_dates_text"].splitlines(), start=1):
            if line.strip():
                try:
                    day = datetime.date.fromisoformat(line.strip())
                except ValueError:
                    raise forms.ValidationError(
                        _("Line %(number)d is not a date. Write dates as 2026-12-24."), params={"number": number}
                    ) from None
                if day.isoformat() not in self.instance.skip_dates:  # a date skipped already stays
                    chapter_day(self.instance.chapter, day, days_ahead=PLANNING_DAYS)
                dates.append(day.isoformat())
        return sorted(set(dates))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if (
            cleaned.get("window_start")
            and cleaned.get("window_end")
            and cleaned["window_end"] <= cleaned["window_start"]
        ):
            self.add_error("window_end", _("The window must close after it opens."))
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        rrule = self.recurrence(cleaned)
        if self.errors or not starts_on:
            return cleaned
        self.instance.rrule = rrule
        self.instance.skip_dates = cleaned.get("skip_dates_text", [])
        last = gives_no_dates(rrule, starts_on, ends_on)
        if last:
            raise forms.ValidationError(
                _("These choices give no pickup dates from %(first)s to %(last)s. Check the days and dates."),
                params={"first": starts_on.isoformat(), "last": last.isoformat()},
            )
        return cleaned


class SupplierForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Supplier
        fields = [
            "name",
            "kind",
            "address",
            "contact_name",
            "contact_phone",
            "instructions",
            "opening_hours",
            "categories",
            "active",
        ]
        widgets = {"categories": forms.CheckboxSelectMultiple, "instructions": forms.Textarea(attrs={"rows": 3})}

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Supplier.objects.filter(chapter=self.instance.chapter, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This chapter already has a supplier with that name."))
        return name


class SupplierClosureForm(forms.ModelForm):
    class Meta:
        model = SupplierClosure
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {"starts_on": _date_input(), "ends_on": _date_input()}


class ClosureDayForm(forms.ModelForm):
    class Meta:
        model = ClosureDay
        fields = ["date", "reason"]
        widgets = {"date": _date_input()}

    def clean_date(self):
        date = self.cleaned_data["date"]
        if ClosureDay.objects.filter(chapter=self.instance.chapter, date=date).exists():
            raise forms.ValidationError(_("The chapter is already closed on that day."))
        return date


class RecordForm(forms.Form):
    prefix = "record"  # it shares its page with the missed form: both have a note
    arrived_at = forms.TimeField(label=_("Arrival time"), widget=_time_input(), help_text=_("When you got there."))
    photo = PhotoFormField(label=_("Photo of the food (optional)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class LineForm(forms.Form):
    category = forms.ModelChoiceField(label=_("What"), queryset=Category.objects.filter(active=True), required=False)
    quantity = forms.DecimalField(label=_("How much"), max_digits=10, decimal_places=2, required=False)

    def __init__(self, *args, category_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices

    def clean(self):
        cleaned = super().clean()
        category, quantity = cleaned.get("category"), cleaned.get("quantity")
        if quantity is None and category in (None, self.initial.get("category")):
            return {}  # a blank line, or one of the supplier's usual categories left blank: none of it came
        if category is None:
            self.add_error("category", _("Choose what this quantity is of."))
        elif quantity is None:
            self.add_error("quantity", _("Enter how much, in %(unit)s.") % {"unit": category.get_unit_display()})
        else:
            check_quantity(self, "quantity", category, quantity)
        return cleaned


# Lines offered on the record form: one per usual category of the supplier, then blank ones, at least this many.
BLANK_LINES, LINES = 2, 4


class BaseLineFormSet(forms.BaseFormSet):
    """What came in, a category a line: the supplier's usual categories come filled in and first in every list."""

    def __init__(self, *args, usual=(), **kwargs):
        usual = list(usual)
        kwargs["initial"] = [{"category": category} for category in usual]
        kwargs["form_kwargs"] = {"category_choices": _category_choices(usual)}
        super().__init__(*args, **kwargs)
        self.extra = max(BLANK_LINES, LINES - len(usual))

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        lines = []
        for form in self.forms:
            category = form.cleaned_data.get("category")
            if category is None:
                continue
            if category in seen:
                raise forms.ValidationError(
                    _("%(category)s is there twice: put it on one line.") % {"category": category.name}
                )
            seen.add(category)
            lines.append((category, form.cleaned_data["quantity"]))
        if not lines:
            raise forms.ValidationError(_("Enter at least one line of what came in."))
        self.lines = lines


def _category_choices(usual: list) -> list:
    """Every active category, the usual ones first in a group of their own; worked out once for all lines."""
    blank = [("", LineForm.base_fields["category"].empty_label)]
    everything = [(category.pk, str(category)) for category in Category.objects.filter(active=True)]
    if not usual:
        return blank + everything
    usual_pks = {category.pk for category in usual}
    return [
        *blank,
        (_("Usually gives"), [(category.pk, str(category)) for category in usual]),
        (_("Other categories"), [(pk, label) for pk, label in everything if pk not in usual_pks]),
    ]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, max_num=20, absolute_max=20)


class MissedForm(forms.Form):
    prefix = "missed"
    reason = forms.ChoiceField(label=_("Why was it missed?"), choices=Pickup.MissedReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AssignForm(forms.Form):
    prefix = "assign"
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=get_user_model().objects.none())

    def __init__(self, *args, chapter, busy=None, **kwargs):
        """`busy`: volunteer id → their other pickups in an overlapping window, named beside them."""
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.queryset = (
            get_user_model()
            .objects.filter(memberships__chapter=chapter, memberships__active=True, is_active=True)
            .exclude(memberships__chapter=chapter, memberships__role=Role.AUDITOR)
            .order_by("first_name")
        )
        busy = busy or {}

        def label(user):
            name = user.first_name or user.username
            if user.pk not in busy:
                return name
            pickups = ", ".join(f"{pickup.supplier.name} {pickup.window}" for pickup in busy[user.pk])
            return _("%(name)s (also on %(pickups)s)") % {"name": name, "pickups": pickups}

        field.label_from_instance = label


class IntakeCheckForm(CategoryQuantitiesMixin, forms.Form):
    """The second count: every category, blank for none, without the recorded figures in sight."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(Category.objects.filter(active=True))
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = quantity_field(category)
