from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def person(user) -> str:
    """The name a member goes by: their first name, else their username, isolated (`<bdi>`); a dash for nobody."""
    if user is None:
        return "—"
    return format_html("<bdi>{}</bdi>", user.first_name or user.get_username())
