"""What a stop should receive, and what must not go to whom.

The amounts are a starting point for the coordinator, who edits them; they follow the household's
size and needs. The conflicts are warnings, not refusals: a coordinator may know better (halal meat
exists), but must see them before publishing.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from mimac.models import Category
from recipients.models import DietaryNeed, Household

# The rules name categories by code, never by the name people read, which may be reworded or translated.
# Category code → quantity per person in the household, in the category's unit.
PER_PERSON = {"produce": Decimal(3), "dry-goods": Decimal(2), "canned-goods": Decimal(2), "dairy-and-eggs": Decimal(1)}
# Need → (category code, quantity for the household).
FOR_NEED = {
    "baby_food": ("baby-food-and-formula", Decimal(3)),
    "diapers": ("diapers", Decimal(25)),
    "hygiene": ("hygiene-products", Decimal(3)),
    "school_supplies": ("school-supplies", Decimal(2)),
    "books": ("books", Decimal(2)),
    "clothing": ("clothing", Decimal(3)),
}
# Dietary need → codes of categories that may break it.
DIET_CONFLICTS = {
    "halal": {"meat-and-fish", "prepared-meals"},
    "kosher": {"meat-and-fish", "prepared-meals"},
    "vegetarian": {"meat-and-fish"},
    "vegan": {"meat-and-fish", "dairy-and-eggs"},
    "gluten_free": {"bakery"},
    "low_sodium": {"canned-goods", "prepared-meals"},
}
# A word in the allergies → codes of categories that often contain it.
ALLERGY_CONFLICTS = {
    "nut": {"bakery", "dry-goods", "prepared-meals"},
    "peanut": {"bakery", "dry-goods", "prepared-meals"},
    "gluten": {"bakery", "dry-goods"},
    "wheat": {"bakery", "dry-goods"},
    "milk": {"dairy-and-eggs", "bakery"},
    "dairy": {"dairy-and-eggs", "bakery"},
    "egg": {"dairy-and-eggs", "bakery"},
    "shellfish": {"meat-and-fish", "prepared-meals"},
    "fish": {"meat-and-fish"},
}


def suggested_items(household: Household) -> dict[str, Decimal]:
    """Category code → quantity, from the household's size and needs."""
    items = {code: per_person * household.size for code, per_person in PER_PERSON.items()}
    for need in [*household.non_food_needs, *household.dietary_needs]:
        if need in FOR_NEED:
            code, quantity = FOR_NEED[need]
            items[code] = quantity
    return items


def conflicts(household: Household, categories: Iterable[Category], *, diet: bool = True) -> dict[str, list[str]]:
    """Warnings for planned categories that clash with the household's diet or allergies, by category code,
    so that each can be shown beside the item it concerns. Without `diet`, only the allergies' (an observing member
    is not shown the household's diet, which a warning would name)."""
    allergies = household.allergies.lower()
    warnings = {}
    for category in sorted(set(categories), key=lambda category: category.label):
        for need in household.dietary_needs if diet else []:
            if category.code in DIET_CONFLICTS.get(need, set()):
                warnings.setdefault(category.code, []).append(
                    _("%(category)s planned for a %(need)s household.")
                    % {"category": category.label, "need": DietaryNeed(need).label.lower()}
                )
        words = [word for word, codes in ALLERGY_CONFLICTS.items() if word in allergies and category.code in codes]
        if words:
            warnings.setdefault(category.code, []).append(
                _("%(category)s may contain %(allergen)s; allergies: %(allergies)s.")
                % {"category": category.label, "allergen": words[0], "allergies": household.allergies}
            )
    return warnings
