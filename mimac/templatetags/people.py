from django import template
from django.utils.html import format_html

register = template.Library()


def name_of(user) -> str:
    """The name a member goes by, as plain text (messages, CSV files): their first name, else their username; a dash
    for nobody."""
    return "—" if user is None else user.first_name or user.get_username()


@register.filter
def person(user) -> str:
    """The same name on a page, isolated (`<bdi>`) so it keeps its own direction in any sentence."""
    if user is None:
        return "—"
    return format_html("<bdi>{}</bdi>", name_of(user))
