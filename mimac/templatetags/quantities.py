from decimal import Decimal

from django import template

from mimac.quantities import Quantity

register = template.Library()


@register.filter
def quantity(amount, unit):
    """18.50 and "lb" show as "18.5 lb": no trailing zeros, always the unit."""
    return str(Quantity(Decimal(amount), unit))
