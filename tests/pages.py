"""Checks that every rendered page must pass, shared by the page tests of each app."""

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import html5lib
from django.forms import BaseForm, BaseFormSet

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "manifest"}
FIELD_TAGS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []
        self.label_targets = set()
        self.fields = []  # (id, has its own aria label)
        self.ids = []
        self.elements = {}  # id → (tag, name), the first element with that id
        self.autofocused = []  # the id (or tag) of every element with autofocus
        self.summary = None
        self._summary_depth = 0  # how many divs deep into the error summary, while in it

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
            self.elements.setdefault(attributes["id"], (tag, attributes.get("name")))
        if "autofocus" in attributes:
            self.autofocused.append(attributes.get("id") or tag)
        self._read_summary(tag, attributes)
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag in FIELD_TAGS and attributes.get("type") not in UNLABELLED_INPUT_TYPES:
            has_aria_label = bool(attributes.get("aria-label") or attributes.get("aria-labelledby"))
            self.fields.append((attributes.get("id") or attributes.get("name"), has_aria_label))

    def handle_endtag(self, tag):
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1

    def _read_summary(self, tag, attributes):
        if attributes.get("id") == "error-summary":
            self.summary = ErrorSummary(attributes)
            self._summary_depth = 1
        elif self._summary_depth and tag == "div":
            self._summary_depth += 1
        elif self._summary_depth and tag == "a":
            self.summary.links.append(attributes.get("href", ""))


@dataclass
class ErrorSummary:
    attributes: dict
    links: list[str] = field(default_factory=list)  # as written: "#id_note"


def _read(html: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(html)
    return reader


def other_host_references(html: str) -> list[str]:
    """URLs in the page that would make the browser talk to any host but this one."""
    return [url for url in _read(html).urls if urlsplit(url).netloc or url.startswith("//")]


def unlabelled_fields(html: str) -> list[str]:
    reader = _read(html)
    return [
        field for field, has_aria_label in reader.fields if not has_aria_label and field not in reader.label_targets
    ]


def duplicate_ids(html: str) -> list[str]:
    """Ids given to more than one element: a label, a link or aria-describedby then finds only the first."""
    return sorted(id_ for id_, count in Counter(_read(html).ids).items() if count > 1)


def error_summary(html: str) -> ErrorSummary | None:
    return _read(html).summary


def autofocused(html: str) -> list[str]:
    return _read(html).autofocused


def element_with_id(html: str, id_: str) -> tuple[str, str | None] | None:
    """(tag, name) of the element with this id, if the page has one."""
    return _read(html).elements.get(id_)


def ids_in_order(html: str) -> list[str]:
    return _read(html).ids


def refused_forms(response) -> list:
    """The bound forms and formsets with errors the page was rendered with: the input they refused."""
    found = {}
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and not value.is_valid():
                found.setdefault(id(value), value)
    return list(found.values())


# Forms that are not the page's own: the language switch and signing out, on every page.
SHARED_FORMS = {"/i18n/setlang/", "/accounts/logout/"}


class _Forms(HTMLParser):
    """The forms of a page: their method, action and the names of their fields."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path, self.forms, self.current = page_path, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("action") or self.page_path
            self.current = {"method": method, "action": action, "fields": set(), "hidden": {}}
            self.forms.append(self.current)
        elif tag in {"input", "select", "textarea"} and self.current is not None and attrs.get("name"):
            self.current["fields"].add(attrs["name"])
            if attrs.get("type") == "hidden":
                self.current["hidden"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def own_forms(html: str, page_path: str, method: str = "post") -> list[dict]:
    """The page's own forms sent with `method` that have fields: {"method", "action", "fields", "hidden"} each,
    "hidden" holding the hidden fields' values as the page gave them."""
    parser = _Forms(page_path)
    parser.feed(html)
    return [
        form
        for form in parser.forms
        if form["method"] == method and form["action"] not in SHARED_FORMS and form["fields"]
    ]


def html_errors(html: str) -> list:
    parser = html5lib.HTMLParser()
    parser.parse(html)
    return parser.errors


def assert_clean_page(response):
    """Valid HTML, labelled fields, nothing from another host, and the content security policy sent."""
    html = response.text
    assert html_errors(html) == []
    duplicates = duplicate_ids(html)
    assert duplicates == [], f"ids given to more than one element: {duplicates}"
    assert unlabelled_fields(html) == []
    assert other_host_references(html) == []
    assert "default-src 'self'" in response["Content-Security-Policy"]
    # The policy blocks inline script and style, so a page that needs them would break.
    assert "<script>" not in html
    assert " style=" not in html


def texts_of(html: str, css_class: str) -> list[str]:
    """The text of every element of the page with this class, as read (spaces squeezed), in page order."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    elements = [element for element in document.iter() if css_class in (element.get("class") or "").split()]
    return [" ".join(" ".join(element.itertext()).split()) for element in elements]


def without_bdi(html: str) -> str:
    """The page's HTML without the <bdi> that isolate user data, to look for a sentence as a person reads it."""
    return html.replace("<bdi>", "").replace("</bdi>", "")
