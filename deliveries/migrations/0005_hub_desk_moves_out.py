# The hub desk's ledger models now belong to the hubdesk app (hubdesk/0001 takes them over, same tables).
# Their content types and so their permissions follow them.

from django.db import migrations

MOVED = ["handout", "handoutline", "spoilage", "stockcount", "stockcountline"]


def move_content_types(apps, schema_editor, source="deliveries", target="hubdesk"):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    taken = set(content_types.filter(app_label=target, model__in=MOVED).values_list("model", flat=True))
    content_types.filter(app_label=source, model__in=set(MOVED) - taken).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="hubdesk", target="deliveries")


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0004_handout_deliveries_handout_hub_day_and_more"),
        ("hubdesk", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HandoutLine"),
                migrations.DeleteModel(name="Handout"),
                migrations.DeleteModel(name="StockCountLine"),
                migrations.DeleteModel(name="StockCount"),
                migrations.DeleteModel(name="Spoilage"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
