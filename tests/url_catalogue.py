"""Every URL of the URL conf, taken from the resolver, so a new URL is covered without editing tests."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

# A stand-in value for each path converter; access checks run before any lookup by it.
SAMPLE_ARGUMENTS = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _sample_path(pattern) -> str:
    route = _PARAMETER.sub(lambda match: SAMPLE_ARGUMENTS[match["converter"] or "str"], str(pattern))
    return route.lstrip("^").rstrip("$")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + _sample_path(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", "/" + prefix + _sample_path(entry.pattern)


def all_urls() -> dict[str, str]:
    """URL name → a concrete path for it."""
    return dict(_walk(get_resolver().url_patterns))
