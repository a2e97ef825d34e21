"""Checks that every rendered page must pass, shared by the page tests of each app."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import html5lib

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

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag in FIELD_TAGS and attributes.get("type") not in UNLABELLED_INPUT_TYPES:
            has_aria_label = bool(attributes.get("aria-label") or attributes.get("aria-labelledby"))
            self.fields.append((attributes.get("id") or attributes.get("name"), has_aria_label))


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
    """Ids given to more than one element: a label or a link to one of them reaches only the first."""
    ids = _read(html).ids
    return sorted({id_ for id_ in ids if ids.count(id_) > 1})


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
