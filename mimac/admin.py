from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mimac.models import (
    Category,
    Chapter,
    ClosureDay,
    Hub,
    JobRun,
    Membership,
    MembershipEvent,
    Photo,
    TrailEvent,
    Vouch,
)


class ClosureDayInline(admin.TabularInline):
    model = ClosureDay
    extra = 0


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "time_zone", "started_on", "observation_days"]
    search_fields = ["name", "code"]
    inlines = [ClosureDayInline]


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["name", "chapter", "address", "active"]
    list_filter = ["chapter", "active"]
    list_select_related = ["chapter"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Coalition admins start a chapter here: its first coordinators have nobody to vouch for them."""

    list_display = ["user", "chapter", "role", "trust", "joined_on", "trusted_since", "active"]
    list_filter = ["chapter", "role", "trust", "active"]
    list_select_related = ["user", "chapter"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = ", ".join(form.changed_data) if change else "created"
        MembershipEvent.log(obj, request.user, MembershipEvent.Kind.ADMIN_CHANGE, changed)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The record of who did what is kept as written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "kind", "membership", "detail"]
    list_filter = ["kind", "membership__chapter"]
    list_select_related = ["actor", "membership__user", "membership__chapter"]


@admin.register(Vouch)
class VouchAdmin(ReadOnlyAdmin):
    list_display = ["at", "voucher", "membership", "kind"]
    list_select_related = ["voucher", "membership__user", "membership__chapter"]


class CategoryForm(forms.ModelForm):
    """A new category's code may be left empty: it is then made from the name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].required = False
            later = _("It cannot be changed later. Leave it empty to make one from the name.")
            self.fields["code"].help_text = f"{self.fields['code'].help_text} {later}"

    def clean_code(self):
        return self.cleaned_data["code"] or Category.free_code(self.cleaned_data.get("name", ""))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    fields = ["name", "code", "unit", "is_food", "active"]
    list_display = ["name", "code", "unit", "is_food", "active"]
    list_filter = ["is_food", "unit", "active"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        # Changing a category's unit would silently change the meaning of every quantity recorded in it, and
        # changing its code would silently part it from the rules that name it.
        return ["code", "unit"] if obj else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"code": ["name"]}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Photos are evidence: added, looked at, or removed (say after recheck_photos), never edited."""

    list_display = ["pk", "chapter", "uploaded_by", "uploaded_at"]
    list_filter = ["chapter"]
    list_select_related = ["chapter", "uploaded_by"]

    def get_fields(self, request, obj=None):
        return ["chapter", "image"] if obj is None else ["chapter", "view", "uploaded_by", "uploaded_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["chapter", "view", "uploaded_by", "uploaded_at"]

    @admin.display(description="photo")
    def view(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("photo_file", args=[obj.pk]), "open")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TrailEvent)
class TrailEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "actor", "chapter", "subject"]
    list_filter = ["kind", "chapter"]
    list_select_related = ["actor", "chapter"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """The periodic jobs' last runs, as the jobs wrote them (the home page lists those late or failing)."""

    list_display = ["job", "last_success_at", "last_failure_at", "last_failure"]
