from decimal import Decimal

from django import template
from django.utils.html import format_html

from mimac.models import Unit
from mimac.quantities import Quantity

register = template.Library()


@register.filter
def quantity(amount, unit):
    """18.50 and "lb" show as "18.5 lb": no trailing zeros, always the unit, isolated (`<bdi>`) so the number
    stays beside its unit in a right-to-left sentence."""
    return format_html("<bdi>{}</bdi>", Quantity(Decimal(amount), unit))


@register.filter
def unit_label(unit):
    """A unit by its translatable label, where it is named without an amount ("Waste in lb")."""
    return Unit(unit).label
