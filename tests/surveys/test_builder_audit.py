"""Every change HR makes in the survey builder is in the organisation's audit trail, one row each, and
the new version an edit of an answered survey starts is one more."""

import pytest
from django.urls import reverse

from organizations.audit import Action
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context
from surveys import selectors, services
from surveys.models import Question, SurveyTemplate
from tests.factories import PairFactory, default_templates
from tests.organizations.audit_helpers import events_of

Moment, Audience, Type = SurveyTemplate.Moment, SurveyTemplate.Audience, Question.Type


@pytest.fixture
def template(organization):
    _programme, templates = default_templates(organization)
    return templates[(Moment.FINAL, Audience.MENTOR)]


def _questions(organization, template):
    with tenant_context(organization):
        template.refresh_from_db()
        return list(selectors.questions_of(template))


def _answer(organization, template):
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=template.programme)
        response = services.send_survey(
            template=template, participant=pair.mentor, key=f"k:{pair.pk}", pair=pair
        )
        scales = [q for q in selectors.questions_of(template) if q.type == Type.SCALE]
        services.submit_answers(response=response, answers=[(q, None, 4, "", False) for q in scales])


def _builder_events(organization):
    return [
        event
        for event in events_of(organization)
        if event.action.startswith("survey_")  # the builder's actions, not the sign-ins
    ]


def _url(template, suffix=""):
    return f"/o/acme/surveys/{template.pk}/{suffix}"


def test_each_builder_change_is_one_event_naming_hr_the_survey_and_the_question(
    client_for, organization, hr_admin, template
):
    client = client_for(hr_admin)
    question = _questions(organization, template)[2]
    client.post(_url(template), {"text": "Which tool?", "type": Type.TEXT, "required": "on"})
    client.post(_url(template, f"questions/{question.pk}/"), {"text": "Reworded?", "type": Type.SCALE})
    client.post(_url(template, f"questions/{question.pk}/move/"), {"direction": "down"})
    client.post(_url(template, f"questions/{question.pk}/duplicate/"))
    client.post(_url(template, f"questions/{question.pk}/delete/"))
    client.post(_url(template, "edit/"), {"title": "La fin", "title_en": "The end"})
    events = _builder_events(organization)
    assert [event.action for event in events] == [
        Action.SURVEY_QUESTION_ADDED,
        Action.SURVEY_QUESTION_CHANGED,
        Action.SURVEY_QUESTION_MOVED,
        Action.SURVEY_QUESTION_DUPLICATED,
        Action.SURVEY_QUESTION_DELETED,
        Action.SURVEY_CHANGED,
    ]
    assert {event.actor_id for event in events} == {hr_admin.pk}
    assert {(event.target_type, event.target_id) for event in events} == {
        ("surveys.surveytemplate", str(template.pk))
    }
    assert events[0].details["question"] == "Which tool?"
    assert events[1].details["question"] == "Reworded?" and events[1].details["reworded"] is True
    assert events[2].details["direction"] == "down"
    assert events[4].details["question"] == "Reworded?"
    assert all(event.details["version"] == 1 for event in events)


def test_an_edit_of_an_answered_survey_records_the_new_version_it_publishes(
    client_for, organization, hr_admin, template
):
    _answer(organization, template)
    question = _questions(organization, template)[2]
    client_for(hr_admin).post(_url(template, f"questions/{question.pk}/move/"), {"direction": "up"})
    events = _builder_events(organization)
    assert [event.action for event in events] == [
        Action.SURVEY_QUESTION_MOVED,
        Action.SURVEY_VERSION_PUBLISHED,
    ]
    assert events[1].details == {"version": 2, "previous": 1}
    # The next change stays in version 2: no new version, one event.
    client_for(hr_admin).post(_url(template, f"questions/{question.pk}/move/"), {"direction": "down"})
    assert len(_builder_events(organization)) == 3


def test_a_change_that_changes_nothing_records_nothing(organization, hr_admin, template):
    question = _questions(organization, template)[2]
    with tenant_context(organization):
        services.update_question(
            question=question, text=question.text, text_en=question.text_en, type=question.type, by=hr_admin
        )
        services.move_question(question=_questions(organization, template)[0], up=True, by=hr_admin)
    assert _builder_events(organization) == []


def test_each_event_is_one_insert(organization, hr_admin, template, django_assert_num_queries):
    question = _questions(organization, template)[2]
    with tenant_context(organization):
        before = AuditEvent.objects.count()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            services.duplicate_question(question=question, by=hr_admin)
    inserts = [
        query["sql"] for query in captured.captured_queries if "organizations_auditevent" in query["sql"]
    ]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")
    with tenant_context(organization):
        assert AuditEvent.objects.count() == before + 1


def test_hr_reads_the_builder_s_changes_on_the_audit_page(client_for, organization, hr_admin, template):
    client = client_for(hr_admin)
    client.post(_url(template), {"text": "Which tool?", "type": Type.TEXT, "required": "on"})
    body = client.get(reverse("audit_trail", kwargs={"org_slug": organization.slug})).content.decode()
    assert "Survey question added" in body
    assert "Which tool?" in body
