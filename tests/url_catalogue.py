"""Every URL of the URL conf, taken from the resolver, so a new URL is covered without editing tests."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# A stand-in value for each path converter; access checks run before any lookup by it.
SAMPLE_ARGUMENTS = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "path": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# A regex group such as the admin's (?P<app_label>auth|mimac): its first alternative.
_REGEX_GROUP = re.compile(r"\(\?P<\w+>(?P<first>\w+)[^)]*\)")


def _sample_path(pattern) -> str:
    route = _REGEX_GROUP.sub(lambda match: match["first"], str(pattern))
    route = _PARAMETER.sub(lambda match: SAMPLE_ARGUMENTS[match["converter"] or "str"], route)
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


def assert_sends_to_sign_in(client, method: str, path: str):
    """The answer is a redirect that ends on the sign-in page (the admin's passes through its own)."""
    response = getattr(client, method)(path)
    assert response.status_code == 302, f"{method.upper()} {path}"
    final = getattr(client, method)(path, follow=True)
    assert final.request["PATH_INFO"] == reverse("login"), f"{method.upper()} {path}"
