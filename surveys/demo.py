"""Demo data: every running programme of the demo organisation gets its default survey templates."""

from programmes.models import Programme

from .defaults import ensure_default_templates


def seed_demo(organization, people):
    for programme in Programme.objects.filter(status=Programme.Status.RUNNING):
        ensure_default_templates(programme, organization.default_language)
