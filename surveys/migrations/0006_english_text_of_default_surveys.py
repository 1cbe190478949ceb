"""Default survey templates and questions seeded before both languages were: give them the other one."""

from django.db import migrations


def _pairs():
    # The defaults as the product ships them now; a text HR changed matches none and is left alone.
    from mentoring.l10n import both_languages
    from surveys.defaults import DEFAULTS

    pairs = {}
    for title, questions in DEFAULTS.values():
        for text in [title, *(question for question, _type, _choices in questions)]:
            french, english = both_languages(text)
            pairs[french] = pairs[english] = (french, english)
    return pairs


def fill(apps, schema_editor):
    pairs = _pairs()
    for model, field in (("SurveyTemplate", "title"), ("Question", "text")):
        manager = apps.get_model("surveys", model)._base_manager
        for row in manager.filter(**{f"{field}_en": ""}).iterator():
            known = pairs.get(getattr(row, field))
            if known:
                setattr(row, field, known[0])
                setattr(row, f"{field}_en", known[1])
                row.save(update_fields=[field, f"{field}_en"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_english_text_of_surveys")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
