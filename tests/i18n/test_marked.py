"""Every word MIMAC shows can be translated: no template text outside {% translate %}/{% blocktranslate %}, and
no gettext call that makemessages cannot read (a variable instead of a literal string)."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import TextNode
from django.template.loader_tags import BlockNode, ExtendsNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

TEMPLATES = settings.BASE_DIR / "templates"
APPS = ["mimac", "ledger", "pickups", "recipients", "deliveries", "hubdesk", "audit", "dashboard"]
LETTER = re.compile(r"[^\W\d_]")
# Where a tag or variable stood: no letter, so it never reads as text.
HOLE = " \x00 "
# Attributes a person reads or hears.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}
# Blocks that fill an attribute (a link's address), not text.
ADDRESS_BLOCKS = {"back"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "gettext_noop"}


def skeleton(nodelist) -> str:
    """The template's own text, with a hole where a tag or variable stands (branches of an {% if %} one after
    the other); translated text is a hole too."""
    out = []
    for node in nodelist:
        if isinstance(node, TextNode):
            out.append(node.s)
            continue
        out.append(HOLE)
        if isinstance(node, TranslateNode | BlockTranslateNode):
            continue
        if isinstance(node, BlockNode) and node.name in ADDRESS_BLOCKS:
            continue
        if hasattr(node, "conditions_nodelists"):
            out.extend(skeleton(branch) for _condition, branch in node.conditions_nodelists)
            continue
        for attribute in node.child_nodelists:
            out.append(skeleton(getattr(node, attribute, None) or []))
        out.append(HOLE)
    return "".join(out)


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in {"script", "style"}
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and LETTER.search(value.replace(HOLE, " ")):
                self.found.append(f"{name}={value.strip()!r}")

    def handle_endtag(self, tag):
        self.hidden -= tag in {"script", "style"}

    def handle_data(self, data):
        text = " ".join(data.replace(HOLE, " ").split())
        if not self.hidden and LETTER.search(re.sub(r"\bMIMAC\b", "", text)):
            self.found.append(text)


def unmarked_text(name: str) -> list[str]:
    template = engines["django"].engine.get_template(name)
    nodes = template.nodelist
    extends = next((node for node in nodes if isinstance(node, ExtendsNode)), None)
    if extends is not None:  # only the blocks of a page that extends another are shown
        nodes = [node for node in extends.nodelist if isinstance(node, BlockNode)]
    parser = VisibleText()
    parser.feed(skeleton(nodes))
    parser.close()
    return parser.found


@pytest.mark.parametrize("name", sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")))
def test_every_word_of_a_template_is_marked_for_translation(name):
    assert unmarked_text(name) == []


def test_the_scan_finds_text_outside_translate_tags(tmp_path, settings):
    (tmp_path / "page.html").write_text(
        '{% load i18n %}<p title="Hello">{% translate "Marked" %} Unmarked {{ value }}</p>'
        "<script>const words = 'not shown';</script>{% if x %}<b>Also unmarked</b>{% endif %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    assert unmarked_text("page.html") == ["title='Hello'", "Unmarked", "Also unmarked"]


def _gettext_calls_on_variables(path: Path) -> list[str]:
    """Calls on a variable, but for those on a line that says the strings are marked elsewhere (gettext_noop)."""
    found, lines = [], path.read_text().splitlines()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT:
            literal = node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            if not literal and "# marked with gettext_noop" not in lines[node.lineno - 1]:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    return found


def test_gettext_is_only_called_on_literal_strings():
    """makemessages reads literals only: `_(name)` would be shown in English whatever the catalogue holds."""
    files = [path for app in APPS for path in (settings.BASE_DIR / app).rglob("*.py") if "migrations" not in path.parts]
    assert [call for path in files for call in _gettext_calls_on_variables(path)] == []


def test_gettext_is_never_imported_under_a_name_makemessages_does_not_know():
    """`gettext_noop as noop` hides every noop("…") from makemessages."""
    files = [path for app in APPS for path in (settings.BASE_DIR / app).rglob("*.py") if "migrations" not in path.parts]
    hidden = [
        f"{path.relative_to(settings.BASE_DIR)}: {alias.name} as {alias.asname}"
        for path in files
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.asname and alias.asname not in GETTEXT
    ]
    assert hidden == []
