import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_version_one")]

    operations = [
        migrations.AlterField(
            model_name="question",
            name="identity",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                fields=("template", "version", "identity"), name="question_identity_once_per_version"
            ),
        ),
    ]
