from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger import services
from ledger.forms import CorrectionForm
from ledger.models import QuantityEntry, model_of_kind
from mimac import access
from mimac.access import Action
from mimac.templatetags import people


def entry(request, kind, pk):
    """One ledger row with every correction of it, and a correction form for who may correct it."""
    model = model_of_kind(kind)
    if model is None:
        raise Http404
    entry = get_object_or_404(model._base_manager.select_related("chapter", "recorded_by"), pk=pk)
    own = entry.recorded_by_id == request.user.pk and access.membership_in(request.user, entry.chapter) is not None
    if not own:
        access.require(request.user, entry.chapter, Action.VIEW_LEDGER)
    history = entry.history()
    may_correct = (
        isinstance(entry, QuantityEntry)
        and entry.pk == history[-1].pk
        and (own or access.may(request.user, entry.chapter, Action.CORRECT_LEDGER))
    )
    form = CorrectionForm(request.POST or None, entry=entry) if may_correct else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                correction = services.correct(entry, by=request.user, **form.cleaned_data)
            except services.CorrectionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Correction recorded; the row as first written stays in the ledger."))
                return redirect("ledger:entry", kind=kind, pk=correction.pk)
            return redirect("ledger:entry", kind=kind, pk=pk)
    context = {
        "entry": entry,
        "kind": kind,
        "kind_name": entry._meta.verbose_name,
        "has_quantity": isinstance(entry, QuantityEntry),
        "history": history,
        "newest": history[-1],
        "form": form,
        "facts": _facts(entry),
    }
    with timezone.override(entry.chapter.zone):  # as the audit lists it, whatever zones the reader's chapters are in
        return render(request, "ledger/entry.html", context)


# The relations a ledger row names, by field name: their models give them no translated name of their own.
RELATION_NAMES = {
    "stop": gettext_lazy("stop"),
    "hub": gettext_lazy("hub"),
    "household": gettext_lazy("household"),
    "handout": gettext_lazy("handout"),
    "route": gettext_lazy("route"),
    "countersigned_by": gettext_lazy("countersigned by"),
    "photo": gettext_lazy("photo"),
    "counted_by": gettext_lazy("counted by"),
    "stock_count": gettext_lazy("stock count"),
    "pickup": gettext_lazy("pickup"),
    "check_of": gettext_lazy("check of"),
}


def _facts(entry) -> list[tuple[str, object]]:
    """The row's ledger fields as label and value, other than who recorded it and corrections."""
    skip = {"chapter", "recorded_by", "recorded_at", "corrects", "correction_reason", "quantity", "category"}
    facts = []
    for name in entry.chain_fields:
        field = entry._meta.get_field(name.removesuffix("_id"))
        if field.name in skip:
            continue
        value = getattr(entry, f"get_{field.name}_display", lambda f=field: getattr(entry, f.name))()
        label = RELATION_NAMES.get(field.name, field.verbose_name)
        facts.append((label, people.person(value) if isinstance(value, AbstractBaseUser) else value))
    return facts
