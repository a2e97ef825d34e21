# The hub desk's ledger models move here from deliveries. Only Django's idea of where they live changes: each
# keeps its table (db_table) and the names of its constraints and indexes, so this prints no SQL
# (`sqlmigrate hubdesk 0001`); deliveries/0005 drops them from deliveries' state and moves their content types.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("mimac", "0012_ledger_moves_out"),
        ("recipients", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The last migrations that read or change these models where they were (deliveries.Handout …, and every
        # ledger table in mimac/0011): they run before the models move.
        ("deliveries", "0004_handout_deliveries_handout_hub_day_and_more"),
        ("mimac", "0011_chapter_started_on"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Handout",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(editable=False)),
                        ("chain_hash", models.CharField(editable=False, max_length=64)),
                        (
                            "recorded_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
                        ),
                        (
                            "correction_reason",
                            models.CharField(blank=True, max_length=200, verbose_name="why it is corrected"),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        ("people", models.PositiveSmallIntegerField(default=1, verbose_name="people")),
                        (
                            "chapter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.chapter"
                            ),
                        ),
                        (
                            "corrects",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="correction",
                                to="hubdesk.handout",
                                verbose_name="corrects",
                            ),
                        ),
                        (
                            "household",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="handouts",
                                to="recipients.household",
                                verbose_name="household",
                            ),
                        ),
                        (
                            "hub",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="handouts", to="mimac.hub"
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliveries_handout",
                        "ordering": ["-date", "-recorded_at"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="HandoutLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(editable=False)),
                        ("chain_hash", models.CharField(editable=False, max_length=64)),
                        (
                            "recorded_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
                        ),
                        (
                            "correction_reason",
                            models.CharField(blank=True, max_length=200, verbose_name="why it is corrected"),
                        ),
                        ("quantity", models.DecimalField(decimal_places=2, max_digits=10, verbose_name="quantity")),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.category"
                            ),
                        ),
                        (
                            "chapter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.chapter"
                            ),
                        ),
                        (
                            "corrects",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="correction",
                                to="hubdesk.handoutline",
                                verbose_name="corrects",
                            ),
                        ),
                        (
                            "handout",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="lines", to="hubdesk.handout"
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliveries_handoutline",
                        "ordering": ["category__name", "recorded_at"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="Spoilage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(editable=False)),
                        ("chain_hash", models.CharField(editable=False, max_length=64)),
                        (
                            "recorded_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
                        ),
                        (
                            "correction_reason",
                            models.CharField(blank=True, max_length=200, verbose_name="why it is corrected"),
                        ),
                        ("quantity", models.DecimalField(decimal_places=2, max_digits=10, verbose_name="quantity")),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("expired", "Past its date"),
                                    ("mould", "Mould or rot"),
                                    ("temperature", "Cold chain broken"),
                                    ("damaged", "Damaged packaging"),
                                    ("pests", "Pests"),
                                    ("recall", "Recalled"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                                verbose_name="reason",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.category"
                            ),
                        ),
                        (
                            "chapter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.chapter"
                            ),
                        ),
                        (
                            "corrects",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="correction",
                                to="hubdesk.spoilage",
                                verbose_name="corrects",
                            ),
                        ),
                        (
                            "hub",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="spoilage", to="mimac.hub"
                            ),
                        ),
                        (
                            "photo",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="mimac.photo",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "spoilage",
                        "db_table": "deliveries_spoilage",
                        "ordering": ["category__name", "recorded_at"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="StockCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(editable=False)),
                        ("chain_hash", models.CharField(editable=False, max_length=64)),
                        (
                            "recorded_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
                        ),
                        (
                            "correction_reason",
                            models.CharField(blank=True, max_length=200, verbose_name="why it is corrected"),
                        ),
                        ("date", models.DateField(verbose_name="date counted")),
                        (
                            "chapter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.chapter"
                            ),
                        ),
                        (
                            "corrects",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="correction",
                                to="hubdesk.stockcount",
                                verbose_name="corrects",
                            ),
                        ),
                        (
                            "counted_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="counted by",
                            ),
                        ),
                        (
                            "hub",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="stock_counts", to="mimac.hub"
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliveries_stockcount",
                        "ordering": ["-date", "-recorded_at"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="StockCountLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sequence", models.PositiveBigIntegerField(editable=False)),
                        ("chain_hash", models.CharField(editable=False, max_length=64)),
                        (
                            "recorded_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at"),
                        ),
                        (
                            "correction_reason",
                            models.CharField(blank=True, max_length=200, verbose_name="why it is corrected"),
                        ),
                        ("quantity", models.DecimalField(decimal_places=2, max_digits=10, verbose_name="quantity")),
                        (
                            "category",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.category"
                            ),
                        ),
                        (
                            "chapter",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mimac.chapter"
                            ),
                        ),
                        (
                            "corrects",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="correction",
                                to="hubdesk.stockcountline",
                                verbose_name="corrects",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "stock_count",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="lines",
                                to="hubdesk.stockcount",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "deliveries_stockcountline",
                        "ordering": ["category__name", "recorded_at"],
                        "abstract": False,
                    },
                ),
                migrations.AddIndex(
                    model_name="handout",
                    index=models.Index(fields=["chapter", "sequence"], name="handout_chain"),
                ),
                migrations.AddIndex(
                    model_name="handout",
                    index=models.Index(fields=["hub", "date"], name="deliveries_handout_hub_day"),
                ),
                migrations.AddConstraint(
                    model_name="handout",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("corrects__isnull", True),
                            models.Q(("correction_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="deliveries_handout_correction_says_why",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="handout",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("people__gte", 1)), name="deliveries_handout_someone"
                    ),
                ),
                migrations.AddIndex(
                    model_name="handoutline",
                    index=models.Index(fields=["chapter", "sequence"], name="handoutline_chain"),
                ),
                migrations.AddConstraint(
                    model_name="handoutline",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("corrects__isnull", True),
                            models.Q(("correction_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="deliveries_handoutline_correction_says_why",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="handoutline",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("quantity__gt", 0), models.Q(("corrects__isnull", False), ("quantity", 0)), _connector="OR"
                        ),
                        name="deliveries_handoutline_quantity_positive",
                    ),
                ),
                migrations.AddIndex(
                    model_name="spoilage",
                    index=models.Index(fields=["chapter", "sequence"], name="spoilage_chain"),
                ),
                migrations.AddConstraint(
                    model_name="spoilage",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("corrects__isnull", True),
                            models.Q(("correction_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="deliveries_spoilage_correction_says_why",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="spoilage",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("quantity__gt", 0), models.Q(("corrects__isnull", False), ("quantity", 0)), _connector="OR"
                        ),
                        name="deliveries_spoilage_quantity_positive",
                    ),
                ),
                migrations.AddIndex(
                    model_name="stockcount",
                    index=models.Index(fields=["chapter", "sequence"], name="stockcount_chain"),
                ),
                migrations.AddConstraint(
                    model_name="stockcount",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("corrects__isnull", True),
                            models.Q(("correction_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="deliveries_stockcount_correction_says_why",
                    ),
                ),
                migrations.AddIndex(
                    model_name="stockcountline",
                    index=models.Index(fields=["chapter", "sequence"], name="stockcountline_chain"),
                ),
                migrations.AddConstraint(
                    model_name="stockcountline",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("corrects__isnull", True),
                            models.Q(("correction_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="deliveries_stockcountline_correction_says_why",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="stockcountline",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("quantity__gte", 0)), name="deliveries_stockcountline_not_negative"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
