"""The error summary at the top of every page: whatever form a view renders, and however it renders it, a
refused one is listed there with a link to each field to correct.

base.html wraps the page in {% errorsummary %} … {% enderrorsummary %}: the page is rendered first, so the
summary can list the fields in the order the page shows them (not the order the view gave its forms in) and
leave out a link to a field the page does not show.
"""

from dataclasses import dataclass

from django import forms, template
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    field_id: str  # where the link goes; empty when there is no field to go to


@register.tag("errorsummary")
def do_error_summary(parser, token):
    nodelist = parser.parse(("enderrorsummary",))
    parser.delete_first_token()
    return ErrorSummaryNode(nodelist)


class ErrorSummaryNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        forms_shown = _forms_in(context)
        problems = [problem for form in forms_shown for problem in _problems(form)]
        if not problems:
            return self.nodelist.render(context)
        _drop_autofocus(forms_shown)  # the summary takes the focus, and a page may autofocus one element only
        page = self.nodelist.render(context)
        summary = render_to_string("partials/error_summary.html", {"problems": _in_page_order(problems, page)})
        return summary + page


def _in_page_order(problems: list[Problem], page: str) -> list[Problem]:
    """The problems in the order of their fields on the page; no link to a field the page does not show."""
    placed = []
    for problem in problems:
        position = page.find(f'id="{problem.field_id}"') if problem.field_id else 0
        placed.append((max(position, 0), problem if position >= 0 else Problem(problem.message, "")))
    return [problem for _position, problem in sorted(placed, key=lambda pair: pair[0])]


def _drop_autofocus(forms_shown):
    for form_or_formset in forms_shown:
        for form in _each_form(form_or_formset):
            for field in form.fields.values():
                field.widget.attrs.pop("autofocus", None)


def _forms_in(context) -> list:
    """The forms and formsets the view gave the page, in the order it gave them (each once)."""
    found = {}
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm | forms.BaseFormSet):
            found.setdefault(id(value), value)
    return list(found.values())


def _each_form(form_or_formset) -> list:
    return form_or_formset.forms if isinstance(form_or_formset, forms.BaseFormSet) else [form_or_formset]


def _problems(form_or_formset) -> list[Problem]:
    if not form_or_formset.is_bound or form_or_formset.is_valid():
        return []
    if isinstance(form_or_formset, forms.BaseForm):
        return _form_problems(form_or_formset)
    formset = form_or_formset
    first_field = _first_field_id(formset.forms[0]) if formset.forms else ""
    problems = [Problem(str(error), first_field) for error in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        problems += _form_problems(form, row=number)
    return problems


def _form_problems(form, row=None) -> list[Problem]:
    problems = [Problem(str(error), _first_field_id(form)) for error in form.non_field_errors()]
    for field in form:
        label = _("Row %(row)d, %(label)s") % {"row": row, "label": field.label} if row else field.label
        target = _first_field_id(form) if field.is_hidden else _field_id(field)  # a hidden one cannot take focus
        for error in field.errors:
            problems.append(Problem(_("%(label)s: %(error)s") % {"label": label, "error": error}, target))
    return problems


def _field_id(field) -> str:
    """The id of the element to focus: the field itself, or the first choice of a group of radios or boxes."""
    return field.id_for_label or field.field.widget.id_for_label(field.auto_id, "0") or ""


def _first_field_id(form) -> str:
    visible = form.visible_fields()
    return _field_id(visible[0]) if visible else ""
