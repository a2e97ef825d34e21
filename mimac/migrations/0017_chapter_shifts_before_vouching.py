import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mimac", "0016_member_absences"),
    ]

    operations = [
        migrations.AddField(
            model_name="chapter",
            name="shifts_before_vouching",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="Pickups or route shifts a new member does with a trusted member before anyone may vouch for them.",
                validators=[django.core.validators.MaxValueValidator(50)],
                verbose_name="shifts with a trusted member before vouching",
            ),
        ),
    ]
