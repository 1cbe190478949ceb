import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """Slots become one recurring calendar event. Existing slots get no UID (added without a default,
    so no row shares one): calendars already hold their sessions as separate events."""

    dependencies = [("mentoring_sessions", "0004_admin_history_names_rows_only")]

    operations = [
        migrations.AddField(
            model_name="recurringslot",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="recurringslot",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="session",
            name="occurrence_starts_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
