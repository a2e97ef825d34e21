"""Every page of the URL catalogue in the pseudo-locale, where every message reads ⟦message⟧: a word outside ⟦ ⟧
that is not user data (in <bdi> or a data-user element) was never translated, or is data not isolated."""

import re

import html5lib
import pytest
from django.urls import reverse

from tests.i18n.catalogues import pseudo_locale
from tests.test_page_walk import VISITS
from tests.test_permissions import MATRIX, _client_for

# Not words to translate: user data (<bdi>), literal computer text (<code>: a CSV column, a code to type).
SKIPPED = {"script", "style", "bdi", "code", "kbd", "samp", "datalist", "noscript", "template", "title", "head"}
NESTED = re.compile(r"⟦[^⟦⟧]*⟧")
LETTER = re.compile(r"[^\W\d_]")
SEPARATOR = "\u2060"


def _is_data(element) -> bool:
    """User data, or a row of the database offered in a list (an option whose value is an id)."""
    tag = element.tag.split("}")[-1]
    if tag == "option" and (element.get("value") or "").isdigit():
        return True
    return tag in SKIPPED or "data-user" in element.attrib or element.get("translate") == "no"


def _text(element, parts):
    skip = _is_data(element)
    if skip or element.get("hidden") is not None:
        parts.append(SEPARATOR)
    else:
        parts.append(element.text or "")
        for child in element:
            _text(child, parts)
    parts.append(element.tail or "")


def untranslated(html: str) -> list[str]:
    document = html5lib.parse(html, namespaceHTMLElements=False)
    parts: list[str] = []
    _text(document.find("body"), parts)
    text = "".join(parts)
    while NESTED.search(text):
        text = NESTED.sub(SEPARATOR, text)
    words = [" ".join(piece.split()) for piece in re.split(f"[{SEPARATOR}\n]+", text)]
    return [piece for piece in words if LETTER.search(piece.replace("MIMAC", ""))]


@pytest.fixture
def pseudo(settings, tmp_path):
    pseudo_locale(settings, tmp_path, "es")


ROLE_OF = {}
for name, role in VISITS:
    ROLE_OF.setdefault(name, role)  # one reader a page is enough: the words are the template's
# Printed in the household's language, not the reader's: tests/i18n/test_paper_language.py.
del ROLE_OF["recipients:household_data"]


@pytest.mark.parametrize("name", sorted(ROLE_OF))
def test_every_word_of_every_page_is_translated_or_isolated_user_data(client, world, pseudo, name):
    client.cookies["django_language"] = "es"
    role = "coordinator" if (name, "coordinator") in VISITS else ROLE_OF[name]
    response = _client_for(client, world, role).get(reverse(name, kwargs=MATRIX[name].kwargs(world)))
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        pytest.skip(f"{name} is not a page")
    found = untranslated(response.text)
    assert found == [], f"{name}: {found}"
