# The ledger's head and chain checks now belong to the ledger app (ledger/0001 takes them over, same tables).
# Their content types and so their permissions follow them.

from django.db import migrations

MOVED = ["ledgerhead", "chaincheck"]


def move_content_types(apps, schema_editor, source="mimac", target="ledger"):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    taken = set(content_types.filter(app_label=target, model__in=MOVED).values_list("model", flat=True))
    content_types.filter(app_label=source, model__in=set(MOVED) - taken).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="ledger", target="mimac")


class Migration(migrations.Migration):
    dependencies = [
        ("mimac", "0011_chapter_started_on"),
        ("ledger", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ChainCheck"),
                migrations.DeleteModel(name="LedgerHead"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
