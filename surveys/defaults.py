"""The default survey templates every running programme gets: HR shapes them in the survey builder."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import both_languages
from programmes.models import Phase

from .models import Question, SurveyTemplate

Moment, Audience, Type = SurveyTemplate.Moment, SurveyTemplate.Audience, Question.Type

PRACTICES = [
    _("I use a collaborative tool I did not use before"),
    _("I use an AI assistant in my work"),
    _("I changed how I run meetings or share information"),
    _("None yet"),
]

COMMON_PROGRESS = [
    (_("Where are you now on each skill of your pair?"), Type.SKILLS, []),
    (_("Which new practice have you adopted at work?"), Type.CHOICE, PRACTICES),
    (_("How satisfied are you with your mentoring relationship?"), Type.SCALE, []),
    (_("How likely are you to recommend the programme to a colleague?"), Type.RECOMMEND, []),
]
MENTOR_PROGRESS = [
    (_("Has mentoring developed your leadership?"), Type.SCALE, []),
    (_("Has your visibility in the company grown?"), Type.YES_NO, []),
    (_("Do you understand the company and its leaders better?"), Type.SCALE, []),
]
# The mentor's view of the mentee, beside the mentee's own: asked in the pulse surveys of the first
# sessions until the mentor has answered it once, halfway and at the end of the pair.
MENTEE_AT_THE_START = [
    (_("After your first sessions: where is your mentee on each skill of your pair?"), Type.MENTEE_SKILLS, [])
]
MENTEE_HALFWAY = [
    (_("Halfway: where is your mentee now on each skill of your pair?"), Type.MENTEE_SKILLS, [])
]
MENTEE_AT_THE_END = [
    (_("At the end of your pair: where is your mentee now on each skill?"), Type.MENTEE_SKILLS, [])
]
COMMENTS = [(_("Any comment for the programme team?"), Type.TEXT, [])]

DEFAULTS = {
    (Moment.BASELINE, Audience.MENTEE): (
        _("Before we start: where are you?"),
        [
            (_("Rate yourself today on each skill of your pair"), Type.SKILLS, []),
            (_("What do you hope to learn?"), Type.TEXT, []),
        ],
    ),
    (Moment.BASELINE, Audience.MENTOR): (
        _("Before we start: where are you?"),
        [
            (_("Rate yourself today on each skill of your pair"), Type.SKILLS, []),
            (_("What do you hope to gain as a mentor?"), Type.TEXT, []),
        ],
    ),
    (Moment.PULSE, Audience.MENTEE): (
        _("Your last session in one click"),
        [(_("How useful was your last session?"), Type.SCALE, [])],
    ),
    (Moment.PULSE, Audience.MENTOR): (
        _("Your last session in one click"),
        [(_("How useful was your last session?"), Type.SCALE, [])] + MENTEE_AT_THE_START,
    ),
    (Moment.MIDPOINT, Audience.MENTEE): (_("Halfway: your progress"), COMMON_PROGRESS + COMMENTS),
    (Moment.MIDPOINT, Audience.MENTOR): (
        _("Halfway: your progress"),
        COMMON_PROGRESS + MENTEE_HALFWAY + MENTOR_PROGRESS + COMMENTS,
    ),
    (Moment.FINAL, Audience.MENTEE): (_("The end of your pair: your progress"), COMMON_PROGRESS + COMMENTS),
    (Moment.FINAL, Audience.MENTOR): (
        _("The end of your pair: your progress"),
        COMMON_PROGRESS + MENTEE_AT_THE_END + MENTOR_PROGRESS + COMMENTS,
    ),
}


# The cross phase (the senior mentors the junior on career and leadership) has its own surveys: the same
# moments, their own titles, and no skills self-assessment (the pair's skills are the reverse phase's).
CROSS_TITLES = {
    Moment.BASELINE: _("Cross phase: where are you?"),
    Moment.PULSE: _("Cross phase: your last session in one click"),
    Moment.MIDPOINT: _("Cross phase, halfway: your progress"),
    Moment.FINAL: _("The end of the cross phase: your progress"),
}
CROSS_DEFAULTS = {
    (moment, audience): (
        CROSS_TITLES[moment],
        [question for question in questions if question[1] != Type.SKILLS],
    )
    for (moment, audience), (_title, questions) in DEFAULTS.items()
}


def ensure_default_templates(programme, language):
    """Create the programme's missing default templates, in French and in English (each participant
    reads their own language, ``mentoring.l10n.localized``), the options of a choice question too; those
    of the cross phase too when the programme has one."""
    existing = set(
        SurveyTemplate.objects.filter(programme=programme).values_list("phase", "moment", "audience")
    )
    defaults = [(Phase.REVERSE, DEFAULTS)]
    if programme.cross_phase:
        defaults.append((Phase.CROSS, CROSS_DEFAULTS))
    with translation.override(language):
        for phase, moments in defaults:
            for (moment, audience), (title, questions) in moments.items():
                if (phase, moment, audience) not in existing:
                    _create_template(programme, phase, moment, audience, title, questions)


def _create_template(programme, phase, moment, audience, title, questions):
    title_fr, title_en = both_languages(title)
    template = SurveyTemplate.objects.create(
        programme=programme,
        phase=phase,
        moment=moment,
        audience=audience,
        title=title_fr,
        title_en=title_en,
    )
    Question.objects.bulk_create(
        [
            Question(
                organization=template.organization,
                template=template,
                position=position,
                text=both_languages(text)[0],
                text_en=both_languages(text)[1],
                type=kind,
                choices=[both_languages(choice)[0] for choice in choices],
                choices_en=[both_languages(choice)[1] for choice in choices],
                required=kind != Type.TEXT,
            )
            for position, (text, kind, choices) in enumerate(questions, start=1)
        ]
    )
