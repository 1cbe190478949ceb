"""Every survey as it stands becomes its version 1, with no loss: its title and introduction, its
questions (each given its identity), its answered responses; a choice answer gets its option's number."""

import uuid

from django.db import migrations


def _default_options():
    """{option in either language: (French, English)} of the options the product seeds."""
    from mentoring.l10n import both_languages
    from surveys.defaults import PRACTICES

    pairs = {}
    for option in PRACTICES:
        french, english = both_languages(option)
        pairs[french] = pairs[english] = (french, english)
    return pairs


def to_version_one(apps, schema_editor):
    SurveyTemplate = apps.get_model("surveys", "SurveyTemplate")
    SurveyVersion = apps.get_model("surveys", "SurveyVersion")
    Question = apps.get_model("surveys", "Question")
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    Answer = apps.get_model("surveys", "Answer")
    SurveyVersion._base_manager.bulk_create(
        [
            SurveyVersion(
                organization_id=template.organization_id,
                template_id=template.pk,
                number=1,
                title=template.title,
                title_en=template.title_en,
                introduction=template.introduction,
                introduction_en=template.introduction_en,
            )
            for template in SurveyTemplate._base_manager.iterator()
        ],
        batch_size=1000,
    )
    SurveyTemplate._base_manager.update(version=1)
    questions = list(Question._base_manager.only("pk", "type", "choices", "choices_en"))
    for question in questions:
        question.identity = uuid.uuid4()
        question.version = 1
    Question._base_manager.bulk_update(questions, ["identity", "version"], batch_size=1000)
    SurveyResponse._base_manager.filter(answered_at__isnull=False).update(version=1)
    known = _default_options()
    for question in questions:
        if question.type != "choice":
            continue
        for number, option in enumerate(question.choices, start=1):
            Answer._base_manager.filter(question_id=question.pk, text=option).update(option=number)
        # The product's options were seeded in the organisation's language only: give them both, the
        # answers keeping the French one as every new answer does.
        pairs = [known.get(option) for option in question.choices]
        if question.choices and all(pairs):
            question.choices = [french for french, _english in pairs]
            question.choices_en = [english for _french, english in pairs]
            question.save(update_fields=["choices", "choices_en"])
            for number, (french, _english) in enumerate(pairs, start=1):
                Answer._base_manager.filter(question_id=question.pk, option=number).update(text=french)


def back(apps, schema_editor):
    # A survey with later versions cannot go back to one wording: keep only the first one's questions.
    Question = apps.get_model("surveys", "Question")
    Question._base_manager.exclude(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0007_versions")]

    operations = [migrations.RunPython(to_version_one, back)]
