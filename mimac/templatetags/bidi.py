"""User data in a sentence keeps its own direction: a name, an address or a code typed in one script reads
right inside a page in another (an English address on an Arabic page, an Arabic name on an English one)."""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def bdi(value):
    """`value` isolated: `<bdi>`, which browsers give `unicode-bidi: isolate`."""
    return format_html("<bdi>{}</bdi>", value)


def _css_string(text: str) -> str:
    """`text` as a CSS string that cannot end the string or the style element."""
    return '"' + "".join(c if c.isalnum() or c in " .,:·-" else f"\\{ord(c):x} " for c in text) + '"'


@register.simple_tag
def page_numbers_css():
    """The printed page numbers ("Page 2 of 3") as the CSS content of a page's margin, in the page's language."""
    words = re.split(r"(%\(page\)s|%\(pages\)s)", gettext("Page %(page)s of %(pages)s"))
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return mark_safe(" ".join(counters.get(part) or _css_string(part) for part in words if part))  # noqa: S308
