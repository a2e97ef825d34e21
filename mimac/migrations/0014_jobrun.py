"""The last runs of the periodic jobs (mimac/jobs.py), so one that stops running shows on the admin's home."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mimac", "0013_category_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="JobRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("job", models.CharField(max_length=40, unique=True, verbose_name="job")),
                ("last_success_at", models.DateTimeField(blank=True, null=True, verbose_name="last succeeded at")),
                ("last_failure_at", models.DateTimeField(blank=True, null=True, verbose_name="last failed at")),
                ("last_failure", models.CharField(blank=True, max_length=300, verbose_name="last failure")),
            ],
            options={
                "verbose_name": "job run",
                "verbose_name_plural": "job runs",
                "ordering": ["job"],
            },
        ),
    ]
