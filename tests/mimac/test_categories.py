from decimal import Decimal

import pytest

from mimac.models import Category, Unit
from mimac.quantities import Quantity, UnitMismatch


def test_categories_are_seeded_each_with_one_unit(db):
    assert Category.objects.get(name="Produce").unit == Unit.POUND
    assert Category.objects.get(name="Diapers").unit == Unit.ITEM
    assert not Category.objects.exclude(unit__in=Unit.values).exists()


def test_quantities_of_one_unit_add_up(db):
    produce = Category.objects.get(name="Produce")
    assert sum([produce.quantity("12.5"), produce.quantity("7.25")]) == Quantity(Decimal("19.75"), "lb")


def test_adding_quantities_of_different_units_fails_loudly(db):
    pounds = Category.objects.get(name="Produce").quantity(10)
    items = Category.objects.get(name="Diapers").quantity(40)
    with pytest.raises(UnitMismatch, match="cannot add item to lb"):
        sum([pounds, items])
