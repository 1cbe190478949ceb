"""Content the product seeds and HR writes reaches each person in their own language, with a fallback."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from mentoring.l10n import localized, pick
from notifications.models import Notification
from organizations.tenancy import tenant_context, unscoped
from programmes.forms import ProgrammeForm, SkillForm
from programmes.models import Objective, Participant, Skill
from programmes.services import ensure_default_taxonomy
from surveys.models import Question, SurveyTemplate
from surveys.notifications import SURVEY_INVITATION
from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory
from tests.notifications.helpers import run_hourly

START = dt.date(2026, 3, 2)
DAY_ONE = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class _Text:
    def __init__(self, title="", title_en=""):
        self.title, self.title_en = title, title_en


@pytest.mark.parametrize(
    ("french", "english", "language", "shown"),
    [
        ("Charte", "Charter", "fr", "Charte"),
        ("Charte", "Charter", "en", "Charter"),
        ("Charte", "", "en", "Charte"),
        ("", "Charter", "fr", "Charter"),
        ("Charte", "Charter", "en-gb", "Charter"),
    ],
)
def test_localized_gives_the_readers_language_and_falls_back_to_the_other(french, english, language, shown):
    assert localized(_Text(french, english), "title", language) == shown
    assert pick(french, english, language) == shown
    with translation.override(language):
        assert localized(_Text(french, english), "title") == shown


def test_default_skills_and_objectives_are_seeded_in_both_languages(organization):
    ensure_default_taxonomy(organization)
    with tenant_context(organization):
        skill = Skill.objects.get(name_en="AI tools")
        objective = Objective.objects.get(name_en="Master new digital tools")
    assert (skill.name, objective.name) == ("Outils d'IA", "Maîtriser les nouveaux outils numériques")
    with translation.override("fr"):
        assert (str(skill), str(objective)) == ("Outils d'IA", "Maîtriser les nouveaux outils numériques")
    with translation.override("en"):
        assert (str(skill), str(objective)) == ("AI tools", "Master new digital tools")


@pytest.fixture
def pair(organization):
    with time_machine.travel(DAY_ONE, tick=False):
        programme = ProgrammeFactory(
            organization=organization, start_date=START, end_date=dt.date(2026, 6, 29)
        )
        return PairFactory(organization=organization, programme=programme, started_at=DAY_ONE)


def _speaks(participant, language):
    participant.user.language = language
    participant.user.save(update_fields=["language"])


def test_survey_templates_are_seeded_in_both_languages_and_each_participant_gets_their_own(
    pair, organization
):
    _speaks(pair.mentor, "en")
    _speaks(pair.mentee, "fr")
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
    with tenant_context(organization):
        template = SurveyTemplate.objects.get(moment="baseline", audience="mentor")
        question = Question.objects.filter(template=template).first()
    assert template.title_en == "Before we start: where are you?"
    assert template.title == "Avant de commencer\u00a0: où en êtes-vous\u00a0?"
    assert question.text_en == "Rate yourself today on each skill of your pair"
    assert question.text.startswith("Évaluez-vous")
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[pair.mentor.user.email] == "Acme · Before we start: where are you?"
    assert subjects[pair.mentee.user.email] == f"Acme · {template.title}"


def test_an_english_speaking_participant_never_gets_a_french_subject(pair, organization):
    """The bug report: "Reminder: Votre dernière séance en un clic", for an English-speaking mentee."""
    organization.default_language = "fr"
    organization.save()
    _speaks(pair.mentor, "en")
    _speaks(pair.mentee, "en")
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
    assert mail.outbox
    french = {"Avant", "Votre", "séance", "Rappel", "Bilan", "où"}
    for message in mail.outbox:
        assert not french & set(message.subject.replace("·", " ").split()), message.subject


def test_the_in_app_list_shows_each_title_in_the_viewers_language(client_for, pair, organization):
    """Delivered while the mentor read French; shown in English once they read English."""
    _speaks(pair.mentor, "fr")
    with time_machine.travel(DAY_ONE, tick=False):
        run_hourly()
    with tenant_context(organization):
        row = Notification.objects.get(kind=SURVEY_INVITATION, recipient=pair.mentor.user)
    assert row.subject != "Before we start: where are you?"
    _speaks(pair.mentor, "en")
    with time_machine.travel(DAY_ONE + dt.timedelta(hours=1), tick=False):
        body = client_for(pair.mentor.user).get("/o/acme/notifications/").content.decode()
    assert "Before we start: where are you?" in body
    assert row.subject not in body
    _speaks(pair.mentor, "fr")
    with time_machine.travel(DAY_ONE + dt.timedelta(hours=1), tick=False):
        body = client_for(pair.mentor.user).get("/o/acme/notifications/").content.decode()
    assert row.subject in body


def test_a_stale_row_keeps_its_stored_title_in_the_list(client_for, organization, mentee_user):
    with tenant_context(organization):
        Notification.objects.create(
            recipient=mentee_user,
            kind=SURVEY_INVITATION,
            key="k:stale",
            object_id=999999,
            due_at=DAY_ONE,
            delivered_at=DAY_ONE,
            status=Notification.Status.SENT,
            subject="Un sondage déjà répondu",
        )
    assert "Un sondage déjà répondu" in client_for(mentee_user).get("/o/acme/notifications/").content.decode()


@pytest.mark.parametrize(
    ("language", "shown", "hidden"), [("en", "Be kind", "Soyez"), ("fr", "Soyez", "Be kind")]
)
def test_the_charter_reads_in_the_participants_language(client_for, organization, language, shown, hidden):
    programme = ProgrammeFactory(
        organization=organization, charter="Soyez bienveillants.", charter_en="Be kind."
    )
    participant = ParticipantFactory(
        organization=organization, programme=programme, role=Participant.Role.MENTEE
    )
    _speaks(participant, language)
    body = client_for(participant.user).get(f"/o/acme/programmes/{programme.pk}/charter/").content.decode()
    assert shown in body and hidden not in body


def test_an_english_reader_falls_back_to_the_french_charter(client_for, organization):
    programme = ProgrammeFactory(organization=organization, charter="Soyez bienveillants.", charter_en="")
    participant = ParticipantFactory(organization=organization, programme=programme)
    _speaks(participant, "en")
    body = client_for(participant.user).get(f"/o/acme/programmes/{programme.pk}/charter/").content.decode()
    assert "Soyez bienveillants." in body


def test_hr_writes_skills_and_the_charter_in_both_languages(organization):
    with tenant_context(organization):
        assert {"name", "name_en", "description", "description_en"} <= set(SkillForm().fields)
        assert {"charter", "charter_en"} <= set(ProgrammeForm().fields)


def test_defaults_seeded_in_one_language_before_are_given_the_other(organization):
    from importlib import import_module

    from django.apps import apps

    with tenant_context(organization):
        english = Skill.objects.create(name="AI tools")
        french = Objective.objects.create(name="Maîtriser les nouveaux outils numériques")
        own = Skill.objects.create(name="Excel avancé")
    # As migrate runs it: over every organisation (row security's bypass, organizations/management/commands/migrate.py).
    with unscoped("the test runs a data migration as migrate does"):
        import_module("programmes.migrations.0009_english_text_of_default_taxonomy").fill(apps, None)
    with tenant_context(organization):
        english, french, own = (type(row).objects.get(pk=row.pk) for row in (english, french, own))
    assert (english.name, english.name_en) == ("Outils d'IA", "AI tools")
    assert (french.name, french.name_en) == (
        "Maîtriser les nouveaux outils numériques",
        "Master new digital tools",
    )
    assert (own.name, own.name_en) == ("Excel avancé", "")
