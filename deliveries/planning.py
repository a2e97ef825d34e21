"""What a stop should receive, and what must not go to whom.

The amounts are a starting point for the coordinator, who edits them; they follow the household's
size and needs. The conflicts are warnings, not refusals: a coordinator may know better (halal meat
exists), but must see them before publishing.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from recipients.models import DietaryNeed, Household

# Category name → quantity per person in the household, in the category's unit.
PER_PERSON = {"Produce": Decimal(3), "Dry goods": Decimal(2), "Canned goods": Decimal(2), "Dairy and eggs": Decimal(1)}
# Need → (category name, quantity for the household).
FOR_NEED = {
    "baby_food": ("Baby food and formula", Decimal(3)),
    "diapers": ("Diapers", Decimal(25)),
    "hygiene": ("Hygiene products", Decimal(3)),
    "school_supplies": ("School supplies", Decimal(2)),
    "books": ("Books", Decimal(2)),
    "clothing": ("Clothing", Decimal(3)),
}
# Dietary need → categories that may break it.
DIET_CONFLICTS = {
    "halal": {"Meat and fish", "Prepared meals"},
    "kosher": {"Meat and fish", "Prepared meals"},
    "vegetarian": {"Meat and fish"},
    "vegan": {"Meat and fish", "Dairy and eggs"},
    "gluten_free": {"Bakery"},
    "low_sodium": {"Canned goods", "Prepared meals"},
}
# A word in the allergies → categories that often contain it.
ALLERGY_CONFLICTS = {
    "nut": {"Bakery", "Dry goods", "Prepared meals"},
    "peanut": {"Bakery", "Dry goods", "Prepared meals"},
    "gluten": {"Bakery", "Dry goods"},
    "wheat": {"Bakery", "Dry goods"},
    "milk": {"Dairy and eggs", "Bakery"},
    "dairy": {"Dairy and eggs", "Bakery"},
    "egg": {"Dairy and eggs", "Bakery"},
    "shellfish": {"Meat and fish", "Prepared meals"},
    "fish": {"Meat and fish"},
}


def suggested_items(household: Household) -> dict[str, Decimal]:
    """Category name → quantity, from the household's size and needs."""
    items = {name: per_person * household.size for name, per_person in PER_PERSON.items()}
    for need in [*household.non_food_needs, *household.dietary_needs]:
        if need in FOR_NEED:
            name, quantity = FOR_NEED[need]
            items[name] = quantity
    return items


def conflicts(household: Household, category_names: set[str]) -> dict[str, list[str]]:
    """Warnings for planned categories that clash with the household's diet or allergies, by category name,
    so that each can be shown beside the item it concerns."""
    allergies = household.allergies.lower()
    warnings = {}
    for name in sorted(category_names):
        for need in household.dietary_needs:
            if name in DIET_CONFLICTS.get(need, set()):
                warnings.setdefault(name, []).append(
                    _("%(category)s planned for a %(need)s household.")
                    % {"category": name, "need": DietaryNeed(need).label.lower()}
                )
        words = [word for word, names in ALLERGY_CONFLICTS.items() if word in allergies and name in names]
        if words:
            warnings.setdefault(name, []).append(
                _("%(category)s may contain %(allergen)s; allergies: %(allergies)s.")
                % {"category": name, "allergen": words[0], "allergies": household.allergies}
            )
    return warnings
