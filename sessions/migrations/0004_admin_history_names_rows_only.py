from django.db import migrations
from django.utils.text import capfirst

# The rows whose str() used to be what the pair wrote (a goal's title, an agenda item's text...).
PAIR_CONTENT_MODELS = ["goal", "goalprogress", "agendaitem", "privatenote", "actionitem", "sharedresource"]


def rename_history(apps, schema_editor):
    """The admin's history kept each row's str() of the day: rename those rows as the models now do."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model_name in PAIR_CONTENT_MODELS:
        model = apps.get_model("mentoring_sessions", model_name)
        content_type = ContentType.objects.filter(app_label="mentoring_sessions", model=model_name).first()
        if content_type is None:
            continue
        label = capfirst(str(model._meta.verbose_name))
        for entry in LogEntry.objects.filter(content_type=content_type).only("pk", "object_id"):
            entry.object_repr = f"{label} #{entry.object_id}"[:200]
            entry.save(update_fields=["object_repr"])


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring_sessions", "0003_refuse_control_characters"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(rename_history, migrations.RunPython.noop)]
