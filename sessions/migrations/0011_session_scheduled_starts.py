from django.db import migrations, models


class Migration(migrations.Migration):
    """The dispatcher's session scans: scheduled sessions by starts_at (measured at 10 million sessions)."""

    dependencies = [
        ("mentoring_sessions", "0010_merge_0007_delegation_0009_merge_20261201_2116"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                condition=models.Q(("status", "scheduled")),
                fields=["starts_at"],
                include=["id", "organization", "sequence", "logged_at"],
                name="session_scheduled_starts",
            ),
        ),
    ]
