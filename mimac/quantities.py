"""Quantities carry their unit, and adding two of different units fails loudly.

A pound of apples and a pack of diapers are not two of anything: totals are per category or per unit.
"""

from dataclasses import dataclass
from decimal import Decimal


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
        return f"{self.amount.normalize():f} {self.unit}"
