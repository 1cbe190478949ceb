import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def log_json_in_workers_too(logger=None, **kwargs):
    """Celery replaces the root logger's handlers with its own: with LOG_FORMAT=json, theirs write JSON too."""
    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return
    from mentoring.logformat import JsonFormatter

    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
