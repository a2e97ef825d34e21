from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mimac.models import Hub

# The longest period the audit adds up at once.
MAX_AUDIT_DAYS = 366


class AuditForm(forms.Form):
    """Which chapter, hub and period the audit looks at. Read from the query string: nothing is saved."""

    chapter = forms.ChoiceField(label=_("Chapter"))
    hub = forms.ChoiceField(
        label=_("Hub"),
        required=False,
        error_messages={"invalid_choice": _("There is no hub %(value)s among your chapters' hubs.")},
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        self.chapters = {chapter.code: chapter for chapter in chapters}
        self.fields["chapter"].choices = [(chapter.code, chapter.name) for chapter in chapters]
        hubs = Hub.objects.filter(chapter__in=chapters).select_related("chapter").order_by("chapter__name", "name")
        self.hubs = {str(hub.pk): hub for hub in hubs}
        self.fields["hub"].choices = [("", _("Every hub")), *((pk, hub.name) for pk, hub in self.hubs.items())]

    def clean_chapter(self):
        return self.chapters[self.cleaned_data["chapter"]]

    def clean(self):
        cleaned = super().clean()
        chapter, hub = cleaned.get("chapter"), cleaned.get("hub")
        if chapter and hub:
            cleaned["hub"] = self.hubs[hub]
            if cleaned["hub"].chapter != chapter:
                self.add_error("hub", _("That hub is not in %(chapter)s.") % {"chapter": chapter.name})
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days + 1 > MAX_AUDIT_DAYS:
                self.add_error(
                    "end",
                    ngettext(
                        "Choose a period of at most a year; this one is %(days)s day.",
                        "Choose a period of at most a year; this one is %(days)s days.",
                        (end - start).days + 1,
                    )
                    % {"days": f"{(end - start).days + 1:,}"},
                )
        return cleaned

    def hubs_in_scope(self) -> list[Hub]:
        chapter, hub = self.cleaned_data["chapter"], self.cleaned_data.get("hub")
        return [hub] if hub else [h for h in self.hubs.values() if h.chapter == chapter]
