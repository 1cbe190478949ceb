from tests.factories import default_templates
from tests.isolation import FOREIGN_MARKER


def _template_id(organization):
    _programme, templates = default_templates(organization, name=f"{FOREIGN_MARKER} programme")
    template = next(iter(templates.values()))
    template.title = f"{FOREIGN_MARKER} survey"
    template.save()
    return template.pk


SAMPLES = {"template_id": _template_id}
CAPABILITY_URLS = {"survey_answer": "tests/surveys/test_answering.py"}
