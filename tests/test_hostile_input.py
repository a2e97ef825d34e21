"""Hostile input at every form: Hypothesis posts random and nasty values to each form MIMAC shows.

Every answer must be the form again (with errors) or a success, never a server error; and when the
form refused the input, nothing at all was stored.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import FieldDoesNotExist
from django.forms import BaseForm, BaseFormSet, CharField
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.models import ChainCheck
from mimac.models import TrailEvent
from tests.pages import own_forms, refused_forms
from tests.test_permissions import MATRIX

NASTY = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE mimac_chapter; --",
    "1 OR 1=1",
    "\x00",
    "a\x00b",
    "\u202etxt.exe",
    "\r\n\t",
    "../../etc/passwd",
    '=HYPERLINK("http://evil.example")',
    "-1",
    "0",
    "-0.001",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "١٢٣",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "25:61",
    "😀" * 50,
    "x" * 5000,
]
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)
# Not the app's data: logs of what happened, which a refused form may add to.
LOGS = {TrailEvent, ChainCheck}
ALLOWED_ANSWERS = {200, 302, 400, 403, 404, 405, 429}


def _app_rows() -> dict:
    labels = ("mimac", "pickups", "recipients", "deliveries", "money")
    models = [m for label in labels for m in apps.get_app_config(label).get_models()]
    return {model: model._base_manager.count() for model in models if model not in LOGS}


PAGES = sorted(name for name, case in MATRIX.items() if case.method == "get" and case.answers.split()[-1] == "200")


@pytest.mark.parametrize("name", PAGES)
def test_hostile_input_never_breaks_a_form_and_a_refused_form_stores_nothing(client, world, name):
    path = reverse(name, kwargs=MATRIX[name].kwargs(world))
    client.force_login(world.admin)
    page = client.get(path)
    if not page["Content-Type"].startswith("text/html"):
        pytest.skip(f"{name} is not a page")
    forms = own_forms(page.content.decode(), path)
    if not forms:
        pytest.skip(f"{name} has no form of its own")

    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def post_hostile_values(data):
        for form in forms:
            fields = sorted(form["fields"] - {"csrfmiddlewaretoken"})
            values = {field: data.draw(HOSTILE, label=field) for field in fields}
            before = _app_rows()
            response = client.post(form["action"], values)
            assert response.status_code in ALLOWED_ANSWERS, (form["action"], values)
            if refused_forms(response):
                assert _app_rows() == before, (form["action"], values)

    post_hostile_values()


def _text_fields(response):
    """(form, name, field) for every text field of every form the page was rendered with."""
    seen = set()
    for context in response.context or []:
        for value in context.flatten().values():
            forms = value.forms if isinstance(value, BaseFormSet) else [value] if isinstance(value, BaseForm) else []
            for form in forms:
                if id(form) in seen:
                    continue
                seen.add(id(form))
                for name, field in form.fields.items():
                    if isinstance(field, CharField):
                        yield form, name, field


def _column_length(form, name) -> int | None:
    """The length of the model column behind a model form's field, when it has one."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        return model._meta.get_field(name).max_length if model else None
    except FieldDoesNotExist:
        return None


def _set_password_page(world) -> str:
    """A working set-password link, as handed to an invited member (the matrix's link is a bad one)."""
    invitee = get_user_model().objects.create_user("invitee")
    world.chapter.memberships.create(user=invitee, role="volunteer")
    token = default_token_generator.make_token(invitee)
    return reverse("password_set", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(invitee.pk)), "token": token})


# Pages with forms that the matrix's sample arguments do not open, signed out.
SIGNED_OUT_FORM_PAGES = {"login": lambda world: reverse("login"), "password_set": _set_password_page}


@pytest.mark.parametrize("name", sorted({*PAGES, *SIGNED_OUT_FORM_PAGES}))
def test_every_text_field_has_a_limit_no_larger_than_its_column(client, world, name):
    """PostgreSQL refuses a value longer than its column (a 500), SQLite stores it: the form must refuse first.
    A text field with no limit at all takes whatever fits in a request."""
    if name in SIGNED_OUT_FORM_PAGES:
        page = client.get(SIGNED_OUT_FORM_PAGES[name](world), follow=True)
    else:
        client.force_login(world.admin)
        page = client.get(reverse(name, kwargs=MATRIX[name].kwargs(world)))
    problems = []
    for form, field_name, field in _text_fields(page):
        where, column = f"{type(form).__name__}.{field_name}", _column_length(form, field_name)
        if field.max_length is None:
            problems.append(f"{where} has no max_length")
        elif column is not None and field.max_length > column:
            problems.append(f"{where} allows {field.max_length}, its column {column}")
    assert not problems, problems
