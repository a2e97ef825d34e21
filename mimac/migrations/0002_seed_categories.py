from django.db import migrations

# name, unit, is_food: weighed food in lb, countable goods by the item.
CATEGORIES = [
    ("Produce", "lb", True),
    ("Dairy and eggs", "lb", True),
    ("Bakery", "lb", True),
    ("Meat and fish", "lb", True),
    ("Prepared meals", "lb", True),
    ("Dry goods", "lb", True),
    ("Canned goods", "lb", True),
    ("Frozen", "lb", True),
    ("Baby food and formula", "lb", True),
    ("Hygiene products", "item", False),
    ("Diapers", "item", False),
    ("Clothing", "item", False),
    ("School supplies", "item", False),
    ("Books", "item", False),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("mimac", "Category")
    for name, unit, is_food in CATEGORIES:
        Category.objects.get_or_create(name=name, defaults={"unit": unit, "is_food": is_food})


class Migration(migrations.Migration):
    dependencies = [("mimac", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
