"""Default skills and objectives seeded before both languages were: give them the other one."""

from django.db import migrations


def _pairs(texts):
    from mentoring.l10n import both_languages

    pairs = {}
    for text in texts:
        french, english = both_languages(text)
        pairs[french] = pairs[english] = (french, english)
    return pairs


def fill(apps, schema_editor):
    # The defaults as the product ships them now; a name HR changed matches none and is left alone.
    from programmes.services import DEFAULT_OBJECTIVES, DEFAULT_SKILLS

    skills = _pairs([name for name, _description in DEFAULT_SKILLS])
    descriptions = _pairs([description for _name, description in DEFAULT_SKILLS])
    Skill = apps.get_model("programmes", "Skill")
    for skill in Skill._base_manager.filter(name_en="").iterator():
        if skill.name in skills:
            french, english = skills[skill.name]
            taken = Skill._base_manager.filter(organization_id=skill.organization_id, name=french).exclude(
                pk=skill.pk
            )
            skill.name = skill.name if taken.exists() else french
            skill.name_en = english
            if skill.description in descriptions:
                skill.description, skill.description_en = descriptions[skill.description]
            skill.save(update_fields=["name", "name_en", "description", "description_en"])
    objectives = _pairs(DEFAULT_OBJECTIVES)
    Objective = apps.get_model("programmes", "Objective")
    for objective in Objective._base_manager.filter(name_en="").iterator():
        if objective.name in objectives:
            french, english = objectives[objective.name]
            taken = Objective._base_manager.filter(
                organization_id=objective.organization_id, name=french
            ).exclude(pk=objective.pk)
            objective.name = objective.name if taken.exists() else french
            objective.name_en = english
            objective.save(update_fields=["name", "name_en"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_english_text_of_skills_objectives_charter")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
