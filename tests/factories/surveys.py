"""Surveys: the default templates a programme starts with."""

from organizations.tenancy import tenant_context
from surveys.defaults import ensure_default_templates
from surveys.models import SurveyTemplate

from .programmes import ProgrammeFactory


def default_templates(organization, **programme_fields):
    """A programme with its default survey templates, keyed by (moment, audience)."""
    programme = ProgrammeFactory(organization=organization, **programme_fields)
    with tenant_context(organization):
        ensure_default_templates(programme, "en")
        return programme, {
            (t.moment, t.audience): t for t in SurveyTemplate.objects.filter(programme=programme)
        }
