"""Migrations 0007-0010: the surveys that exist become their version 1, with no loss, in the reverse phase."""

import datetime as dt
from contextlib import nullcontext

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from organizations.row_security import after_migrate
from organizations.tenancy import tenant_context, unscoped
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate, SurveyVersion
from tests.factories import OrganizationFactory, ParticipantFactory

BEFORE = [("surveys", "0006_english_text_of_default_surveys")]
# The latest migration: the test reads the rows through today's models.
AFTER = [("surveys", "0011_merge_mentor_rating_and_phase")]


def _migrate(targets):
    # As `migrate` runs them: as the tables' owner (row security, organizations/postgresql) and unscoped.
    as_owner = getattr(connection, "as_owner", None)
    with as_owner() if as_owner else nullcontext(), unscoped("the migration test migrates as migrate does"):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        # What `migrate`'s post_migrate does on PostgreSQL: the new tables' policies and the app role's grants.
        after_migrate()
        grant_test_privileges = getattr(connection, "grant_test_privileges", None)
        if grant_test_privileges is not None:
            grant_test_privileges()
        return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_surveys_answers_and_choices_become_version_one_with_no_loss():
    organization = OrganizationFactory()
    participant = ParticipantFactory(organization=organization)
    old = _migrate(BEFORE)
    try:
        scope = unscoped("rows of the old schema, written as a data migration would")
        scope.__enter__()
        base = {"organization_id": organization.pk}
        template = old.get_model("surveys", "SurveyTemplate")._base_manager.create(
            **base,
            programme_id=participant.programme_id,
            moment="final",
            audience="mentee",
            title="Bilan",
            title_en="Review",
            introduction="Merci",
        )
        old_questions = old.get_model("surveys", "Question")._base_manager
        scale = old_questions.create(**base, template=template, position=1, text="Satisfait ?", type="scale")
        # A default question seeded in English only (an English-speaking organisation).
        choice = old_questions.create(
            **base,
            template=template,
            position=2,
            text="Which new practice have you adopted at work?",
            type="choice",
            choices=["I use an AI assistant in my work", "None yet"],
        )
        custom = old_questions.create(
            **base, template=template, position=3, text="Outil ?", type="choice", choices=["Teams", "Slack"]
        )
        now = timezone.now()
        response = old.get_model("surveys", "SurveyResponse")._base_manager.create(
            **base,
            template=template,
            participant_id=participant.pk,
            key="final:1",
            sent_at=now,
            expires_at=now + dt.timedelta(days=30),
            answered_at=now,
        )
        old.get_model("surveys", "SurveyResponse")._base_manager.create(
            **base,
            template=template,
            participant_id=participant.pk,
            key="final:2",
            sent_at=now,
            expires_at=now + dt.timedelta(days=30),
        )
        old_answers = old.get_model("surveys", "Answer")._base_manager
        old_answers.create(**base, response=response, question=scale, number=4)
        old_answers.create(**base, response=response, question=choice, text="None yet")
        old_answers.create(**base, response=response, question=custom, text="Slack")
        scope.__exit__(None, None, None)
    finally:
        _migrate(AFTER)

    with tenant_context(organization):
        template = SurveyTemplate.objects.get()
        version = SurveyVersion.objects.get()
        assert template.version == 1
        assert template.phase == "reverse"
        assert (version.number, version.title, version.title_en, version.introduction) == (
            1,
            "Bilan",
            "Review",
            "Merci",
        )
        questions = list(Question.objects.order_by("position"))
        assert [(q.text, q.version) for q in questions] == [
            ("Satisfait ?", 1),
            ("Which new practice have you adopted at work?", 1),
            ("Outil ?", 1),
        ]
        assert len({q.identity for q in questions}) == 3
        assert questions[1].choices_en == ["I use an AI assistant in my work", "None yet"]
        assert len(questions[1].choices) == 2
        assert (questions[2].choices, questions[2].choices_en) == (["Teams", "Slack"], [])
        assert SurveyResponse.objects.get(key="final:1").version == 1
        assert SurveyResponse.objects.get(key="final:2").version is None
        answers = {
            a.question.position: (a.number, a.text, a.option)
            for a in Answer.objects.select_related("question")
        }
        assert answers[1] == (4, "", None)
        assert answers[2] == (None, questions[1].choices[1], 2)
        assert answers[3] == (None, "Slack", 2)
