from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """The name a member goes by: their first name, else their username; a dash for nobody."""
    if user is None:
        return "—"
    return user.first_name or user.get_username()
