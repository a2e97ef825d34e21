"""Quantities carry their unit, and adding two of different units fails loudly.

A pound of apples and a pack of diapers are not two of anything: totals are per category or per unit.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import ngettext_lazy

# How an amount reads in each unit (the codes of mimac.models.Unit): "2.5 lb", "1 item", "25 items".
AMOUNT_IN = {
    "lb": ngettext_lazy("%(amount)s lb", "%(amount)s lb", "count"),
    "item": ngettext_lazy("%(amount)s item", "%(amount)s items", "count"),
}


class UnitMismatch(TypeError):
    pass


@dataclass(frozen=True)
class Quantity:
    amount: Decimal
    unit: str

    def __add__(self, other):
        if isinstance(other, Quantity):
            if other.unit != self.unit:
                raise UnitMismatch(f"cannot add {other.unit} to {self.unit}")
            return Quantity(self.amount + other.amount, self.unit)
        return NotImplemented

    def __radd__(self, other):
        # sum() starts from 0; anything else is a mistake.
        if other == 0:
            return self
        return NotImplemented

    def __str__(self):
        # gettext's plural rules take whole numbers: a fraction is counted up, so 1.5 reads as "1.5 items".
        count = math.ceil(self.amount)
        return AMOUNT_IN[self.unit] % {"amount": f"{self.amount.normalize():f}", "count": count}
