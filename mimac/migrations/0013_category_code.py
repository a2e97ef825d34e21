"""Each category gets a code, the stable key rules use instead of its display name.

The column is added empty, filled, then made required and unique, so that it works on a database that
already holds categories (and ledger rows that point at them). The seeded categories get the codes the
planning rules know; any other category one made from its name, kept apart from those already given.
"""

from django.db import migrations, models
from django.utils.text import slugify

CODE_LENGTH = 60

# The categories of 0002_seed_categories, by the name they were seeded with. Frozen here: later renames
# in the app do not change what this migration gives to a database it upgrades.
SEEDED_CODES = {
    "Produce": "produce",
    "Dairy and eggs": "dairy-and-eggs",
    "Bakery": "bakery",
    "Meat and fish": "meat-and-fish",
    "Prepared meals": "prepared-meals",
    "Dry goods": "dry-goods",
    "Canned goods": "canned-goods",
    "Frozen": "frozen",
    "Baby food and formula": "baby-food-and-formula",
    "Hygiene products": "hygiene-products",
    "Diapers": "diapers",
    "Clothing": "clothing",
    "School supplies": "school-supplies",
    "Books": "books",
}


def free_code(name: str, taken: set[str]) -> str:
    base = slugify(name)[:CODE_LENGTH] or "category"
    code, number = base, 1
    while code in taken:
        number += 1
        suffix = f"-{number}"
        code = base[: CODE_LENGTH - len(suffix)] + suffix
    return code


def codes_for(names: list[str]) -> dict[str, str]:
    """Name → code: the seeded names first, so another category's slug never takes a code the rules know."""
    codes = {name: SEEDED_CODES[name] for name in names if name in SEEDED_CODES}
    taken = set(codes.values())
    for name in names:
        if name not in codes:
            codes[name] = free_code(name, taken)
            taken.add(codes[name])
    return codes


def fill_codes(apps, schema_editor):
    Category = apps.get_model("mimac", "Category")
    categories = list(Category.objects.filter(code__isnull=True).order_by("pk"))
    codes = codes_for([category.name for category in categories])
    for category in categories:
        category.code = codes[category.name]
    Category.objects.bulk_update(categories, ["code"])


class Migration(migrations.Migration):
    dependencies = [("mimac", "0012_ledger_moves_out")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="code",
            field=models.SlugField(max_length=CODE_LENGTH, null=True, db_index=False),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="category",
            name="code",
            field=models.SlugField(
                error_messages={"unique": "Another category already has this code: each category needs its own."},
                help_text="A short fixed name the planning rules know the category by, such as dry-goods.",
                max_length=CODE_LENGTH,
                unique=True,
                verbose_name="code",
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(condition=models.Q(("code", ""), _negated=True), name="mimac_category_code_not_empty"),
        ),
    ]
