# The ledger's head and chain checks move here from mimac. Only Django's idea of where they live changes: their
# tables keep their names (db_table), so this prints no SQL for them (`sqlmigrate ledger 0001`).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("mimac", "0011_chapter_started_on"),
        # These migrations read the head where it was then (mimac.LedgerHead): they run before it moves.
        ("deliveries", "0002_ledger_chain"),
        ("pickups", "0002_ledger_chain"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LedgerHead",
                    fields=[
                        (
                            "chapter",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="mimac.chapter",
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(default=0)),
                        ("hash", models.CharField(default="0" * 64, max_length=64)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={"db_table": "mimac_ledgerhead"},
                ),
                migrations.CreateModel(
                    name="ChainCheck",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("rows", models.PositiveBigIntegerField()),
                        ("head", models.CharField(max_length=64)),
                        ("problem", models.CharField(blank=True, max_length=300)),
                        (
                            "chapter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="mimac.chapter"
                            ),
                        ),
                    ],
                    options={"db_table": "mimac_chaincheck", "ordering": ["-at"], "get_latest_by": "at"},
                ),
            ],
            database_operations=[],
        ),
    ]
