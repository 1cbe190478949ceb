from organizations.tenancy import tenant_context
from tests.factories import default_templates
from tests.isolation import FOREIGN_MARKER


def _template(organization):
    # One template for both keywords, so that a URL holds a question of its own template.
    if not hasattr(organization, "_survey_sample"):
        _programme, templates = default_templates(organization, name=f"{FOREIGN_MARKER} programme")
        template = next(iter(templates.values()))
        template.title = f"{FOREIGN_MARKER} survey"
        template.save()
        organization._survey_sample = template
    return organization._survey_sample


def _template_id(organization):
    return _template(organization).pk


def _question_id(organization):
    template = _template(organization)
    with tenant_context(organization):
        question = template.questions.first()
        question.text = f"{FOREIGN_MARKER} question"
        question.save()
        return question.pk


SAMPLES = {"template_id": _template_id, "question_id": _question_id}
CAPABILITY_URLS = {"survey_answer": "tests/surveys/test_answering.py"}
