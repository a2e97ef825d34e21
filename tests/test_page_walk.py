"""A walk through every page of the URL catalogue, as each role that may open it sees it, and again after each
of its forms is sent empty: what every page must hold however it was reached."""

import pytest
from django.urls import reverse

from tests.pages import duplicate_ids, own_forms
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
