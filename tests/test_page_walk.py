"""A walk through every page of the URL catalogue, as each role that may open it sees it, and again after each
of its forms is sent empty or wrong: what every page must hold however it was reached."""

import pytest
from django.forms import BaseFormSet
from django.urls import reverse

from tests.pages import (
    autofocused,
    duplicate_ids,
    element_with_id,
    error_summary,
    ids_in_order,
    own_forms,
    refused_forms,
)
from tests.test_permissions import MATRIX, ROLES, _client_for

WALKERS = ["volunteer", "observing", "coordinator", "auditor", "admin"]


def _opens(name: str, role: str) -> bool:
    case = MATRIX[name]
    return case.method == "get" and dict(zip(ROLES, case.answers.split(), strict=True))[role] == "200"


VISITS = [(name, role) for name in sorted(MATRIX) for role in WALKERS if _opens(name, role)]


def _is_page(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("name", "role"), VISITS)
def test_no_page_gives_one_id_to_two_elements(client, world, name, role):
    """Two forms on one page with a field of the same name each (a note) get the same id unless prefixed:
    the second field's label then names the first, and a link to the second lands on the first."""
    path = reverse(name, kwargs=MATRIX[name].kwargs(world))
    page = _client_for(client, world, role).get(path)
    if not _is_page(page):
        pytest.skip(f"{name} is not a page")
    assert duplicate_ids(page.text) == [], path
    for form in own_forms(page.text, path):
        answer = client.post(form["action"], {}, follow=True)
        if _is_page(answer):
            assert duplicate_ids(answer.text) == [], (form["action"], "sent empty")


# What a hurried person sends: every field they can see left blank, or filled with what fits no field.
FILLINGS = {"empty": "", "wrong": "?"}


def _sent(client, form, filling):
    values = dict.fromkeys(form["fields"] - {"csrfmiddlewaretoken"}, filling)
    values.update(form["hidden"])  # what the page itself keeps (versions, formset counts) stays as it was
    return getattr(client, form["method"])(form["action"], values)


@pytest.mark.parametrize("name", [name for name in sorted(MATRIX) if _opens(name, "admin")])
def test_a_refused_form_shows_a_summary_at_the_top_linking_to_each_field_to_correct(client, world, name):
    path = reverse(name, kwargs=MATRIX[name].kwargs(world))
    page = _client_for(client, world, "admin").get(path)
    forms = own_forms(page.text, path) + own_forms(page.text, path, "get") if _is_page(page) else []
    if not forms:
        pytest.skip(f"{name} has no form of its own")
    for form in forms:
        for filling, what in FILLINGS.items():
            answer = _sent(client, form, what)
            if refused_forms(answer):
                _assert_summary(answer, where=(form["method"], form["action"], filling))


def _assert_summary(answer, where):
    html = answer.text
    summary = error_summary(html)
    assert summary is not None, where
    assert (summary.attributes.get("tabindex"), "autofocus" in summary.attributes) == ("-1", True), where
    assert autofocused(html) == ["error-summary"], (where, "the summary alone takes the focus")
    targets = [link.removeprefix("#") for link in summary.links]
    for target in targets:
        tag, _name = element_with_id(html, target) or (None, None)
        assert tag in {"input", "select", "textarea"}, (where, target)
    order = ids_in_order(html)
    assert targets == sorted(targets, key=order.index), (where, "the summary lists fields in the page's order")
    assert order.index("error-summary") < min(map(order.index, targets), default=len(order)), where
    linked_names = {element_with_id(html, target)[1] for target in targets}
    for refused in refused_forms(answer):
        for form in refused.forms if isinstance(refused, BaseFormSet) else [refused]:
            for field in form.visible_fields():
                if field.errors:
                    assert field.html_name in linked_names, (where, field.html_name, "has no link")
