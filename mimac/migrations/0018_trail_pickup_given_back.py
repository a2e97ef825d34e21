from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mimac", "0017_chapter_shifts_before_vouching"),
    ]

    operations = [
        migrations.AlterField(
            model_name="trailevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("signed_in", "Signed in"),
                    ("sign_in_failed", "Sign-in failed"),
                    ("locked_out", "Sign-in paused after failures"),
                    ("refused", "Refused"),
                    ("exported", "Exported"),
                    ("household", "Household changed"),
                    ("membership", "Membership changed"),
                    ("password", "Password reset"),
                    ("given_back", "Pickup given back"),
                ],
                max_length=20,
            ),
        ),
    ]
