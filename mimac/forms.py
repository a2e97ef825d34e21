import datetime
from operator import attrgetter

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from mimac.models import MAX_LINE_QUANTITY, Chapter, Hub, Role


def person_choice(user) -> str:
    """A member as a checkbox or radio label reads them: their name, isolated (<bdi>). Not for a <select>,
    whose options hold text only."""
    return format_html("<bdi>{}</bdi>", user.first_name or user.username)


def quantity_field(category, **options) -> forms.DecimalField:
    """A quantity of one category, labelled with its unit, at most what one line can plausibly hold."""
    return forms.DecimalField(
        label=f"{category.label} ({category.get_unit_display()})",
        required=False,
        min_value=0,
        max_value=MAX_LINE_QUANTITY[category.unit],
        decimal_places=2,
        **options,
    )


def check_quantity(form, field, category, quantity, *, allow_zero=False):
    """Quantities are positive, in the category's unit, and below what one line can plausibly hold."""
    if quantity < 0 or (quantity == 0 and not allow_zero):
        form.add_error(field, _("Enter a quantity above zero."))
    elif quantity > MAX_LINE_QUANTITY[category.unit]:
        form.add_error(
            field,
            _("%(quantity)s %(unit)s is more than one line can hold (at most %(max)s). Check for an extra zero.")
            % {
                "quantity": f"{quantity:,}",
                "unit": category.get_unit_display(),
                "max": f"{MAX_LINE_QUANTITY[category.unit]:,}",
            },
        )


def chapter_day(chapter, day: datetime.date, *, days_ahead: int = 0) -> datetime.date:
    """`day`, if the chapter's records may carry it (see Chapter.date_refusal); for a form's clean_<field>."""
    refusal = chapter.date_refusal(day, days_ahead=days_ahead)
    if refusal:
        raise ValidationError(refusal)
    return day


def chapter_volunteers(chapter) -> models.QuerySet:
    """The chapter's active members who may go out on its work (everyone but its auditors), to choose among."""
    users = (
        get_user_model()
        .objects.filter(memberships__chapter=chapter, memberships__active=True, is_active=True)
        .exclude(memberships__chapter=chapter, memberships__role=Role.AUDITOR)
    )
    return users.order_by("first_name")


class IdsField(forms.ModelMultipleChoiceField):
    """Several objects by id. Refuses what is not a database-sized id before asking the database, which
    Django's own field does not do for its IN query (a 30-digit number is a server error there)."""

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isascii() or not str(pk).isdigit() or not 0 < int(pk) < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class CategoryQuantitiesMixin:
    """A form with one quantity field per category of `self.categories`, each named category_<pk>."""

    def lines(self) -> list:
        """(category, quantity) for every category given a quantity above zero."""
        return [
            (category, self.cleaned_data[f"category_{category.pk}"])
            for category in self.categories
            if self.cleaned_data.get(f"category_{category.pk}")
        ]


def _formfield(field, **options):
    if isinstance(field, models.ManyToManyField):
        options.setdefault("form_class", IdsField)
    return field.formfield(**options)


class VersionedModelForm(forms.ModelForm):
    """Carries the version the editor loaded, so saving over someone else's newer edit is refused. A row not yet
    saved (a chapter's settings before their first save) is version 0: one saved meanwhile is newer."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    class Meta:
        formfield_callback = _formfield  # a subclass's Meta inherits it: class Meta(VersionedModelForm.Meta)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = 0 if self.instance._state.adding else self.instance.version

    def save(self, commit=True):
        if not self.instance._state.adding:
            self.instance.version = self.cleaned_data["version"]
        return super().save(commit)

    def edited_fields(self) -> list[str]:
        """The model's fields this form edits, in the order the page shows them; a conflict compares these.
        A field of the form alone (a confirmation, say) is not the model's, and is not compared."""
        return [name for name in self.fields if name in self._meta.fields]

    def shown(self, name: str, value) -> str:
        """A value of an edited field as the editor reads it: choices by their label, dates as on the form."""
        field = self.fields.get(name)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, list):
            return ", ".join(self.shown(name, item) for item in value)
        if isinstance(value, models.Model):
            return field.label_from_instance(value) if isinstance(field, forms.ModelChoiceField) else str(value)
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value))
        if isinstance(value, datetime.time):
            return f"{value:%H:%M}"
        return str(value)


class Conflict:
    """The editor's input, kept, against the version someone else saved meanwhile: each edited field of the
    model where the two differ, side by side."""

    def __init__(self, form: VersionedModelForm, current):
        self.rows = [
            (_label(form, name), form.shown(name, saved), form.shown(name, yours))
            for name, saved, yours in _both_versions(form, current)
            if saved != yours
        ]
        # Re-bound to the saved version, so saving again deliberately keeps the editor's input.
        data = form.data.copy()
        data["version"] = current.version
        self.form = type(form)(data, instance=current)
        self.form.is_valid()


def _both_versions(form: VersionedModelForm, current):
    """(name, saved, the editor's) for each edited field. The form's instance holds the editor's input by now,
    except many-to-many choices, which a model takes only on saving."""
    for name in form.edited_fields():
        if current._meta.get_field(name).many_to_many:
            saved, yours = getattr(current, name).all(), form.cleaned_data.get(name) or []
            yield name, sorted(saved, key=attrgetter("pk")), sorted(yours, key=attrgetter("pk"))
        else:
            yield name, getattr(current, name), getattr(form.instance, name)


def _label(form: VersionedModelForm, name: str) -> str:
    field = form.fields.get(name)
    return field.label if field is not None else capfirst(form._meta.model._meta.get_field(name).verbose_name)


class ChapterForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Chapter
        fields = [
            "name",
            "time_zone",
            "contact_phone",
            "observation_days",
            "shifts_before_vouching",
            "pickup_cutoff_hours",
            "spoilage_photo_above",
            "audit_tolerance_percent",
            "spoilage_flag_percent",
            "coordinators_two_factor",
            "paper_language",
        ]


class HubForm(VersionedModelForm):
    class Meta(VersionedModelForm.Meta):
        model = Hub
        fields = ["name", "address", "walk_in_hours", "cold_storage", "freezer", "active"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = Hub.objects.filter(chapter=self.instance.chapter, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This chapter already has a hub with that name."))
        return name


# A username or password typed to sign in (or to countersign) is refused by the form when no account could
# have it, before the sign-in throttle writes it down: its records hold 255 characters, and PostgreSQL refuses
# more. Django's own password fields have no limit; 4096 is far beyond what a person types or a password
# manager makes, and keeps a megabyte "password" from reaching the hasher.
USERNAME_MAX_LENGTH = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length
PASSWORD_MAX_LENGTH = 4096


def username_field(**options) -> UsernameField:
    message = ngettext_lazy(
        "A username has at most %(limit_value)d character (this has %(show_value)d).",
        "A username has at most %(limit_value)d characters (this has %(show_value)d).",
        "limit_value",
    )
    return UsernameField(max_length=USERNAME_MAX_LENGTH, error_messages={"max_length": message}, **options)


def password_field(**options) -> forms.CharField:
    message = ngettext_lazy(
        "A password has at most %(limit_value)d character (this has %(show_value)d).",
        "A password has at most %(limit_value)d characters (this has %(show_value)d).",
        "limit_value",
    )
    return forms.CharField(
        max_length=PASSWORD_MAX_LENGTH, strip=False, error_messages={"max_length": message}, **options
    )


class PasswordLimitMixin:
    """Django's own password forms take a password of any length: here, every password field has the limit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limited = password_field()
        for field in self.fields.values():
            if isinstance(field.widget, forms.PasswordInput) and field.max_length is None:
                field.max_length = PASSWORD_MAX_LENGTH
                field.validators.append(validators.MaxLengthValidator(PASSWORD_MAX_LENGTH))
                field.error_messages["max_length"] = limited.error_messages["max_length"]
                field.widget.attrs["maxlength"] = str(PASSWORD_MAX_LENGTH)


class PasswordChangeForm(PasswordLimitMixin, auth_forms.PasswordChangeForm):
    """The old password goes through the sign-in throttle as a sign-in does: a session left open on the shared
    laptop is no place to guess it. Locked out, the throttle answers the request instead of the page."""

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if authenticate(self.request, username=self.user.get_username(), password=old_password) != self.user:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class SetPasswordForm(PasswordLimitMixin, auth_forms.SetPasswordForm):
    pass


class SignInForm(AuthenticationForm):
    username = username_field(widget=forms.TextInput(attrs={"autofocus": True}))
    password = password_field(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX_LENGTH,
        help_text=_("What they will type to sign in. Letters, digits and @ . + - _ only."),
    )
    first_name = forms.CharField(label=_("Name they want used"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.VOLUNTEER, Role.VOLUNTEER.label), (Role.AUDITOR, Role.AUDITOR.label)],
        help_text=_("Coordinators are made by two trusted coordinators vouching for a trusted member."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        User = get_user_model()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken; choose another."))
        return username


class VouchForm(forms.Form):
    read_track_record = forms.BooleanField(
        label=_("I have read this member's track record"),
        error_messages={"required": _("Read the member's track record above first, then tick this box.")},
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now, or one of your printed recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
