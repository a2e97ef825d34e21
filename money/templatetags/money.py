from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from money.models import show_amount

register = template.Library()


@register.filter
def money(amount, settings) -> str:
    """An amount in the chapter's currency (its money settings): "1,234.50 USD", isolated (`<bdi>`) so the number
    and its currency keep their order in a right-to-left sentence; a dash for none."""
    if amount is None or amount == "":
        return "—"
    return format_html("<bdi>{}</bdi>", show_amount(Decimal(amount), settings.currency))


@register.simple_tag
def rows_url(chapter, filters: dict, start=None, end=None, **more) -> str:
    """The rows behind a figure: its filters (a kind, a purpose, an account) between two days."""
    query = {**(filters or {}), **more}
    if start:
        query["start"] = start.isoformat()
    if end:
        query["end"] = end.isoformat()
    query = {name: getattr(value, "pk", value) for name, value in query.items()}
    return f"{reverse('money:rows', args=[chapter.code])}?{urlencode(query)}"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def absolute(amount):
    return abs(amount)
