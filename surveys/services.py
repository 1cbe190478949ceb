from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.services import enqueue_delivery, natural_key, plan
from organizations import audit
from organizations.audit import Action
from organizations.tenancy import unscoped
from organizations.validators import NoControlCharacters, has_control_characters
from programmes.models import Phase

from .models import Answer, Question, SkillProgress, SurveyResponse, SurveyTemplate, SurveyVersion

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from accounts.models import User
    from pairing.models import Pair
    from programmes.models import Participant, Skill

    # (question, skill or None, number, text, shared): see submit_answers
    AnswerInput = tuple[Question, Skill | None, int | None, str | None, bool]


@transaction.atomic
def send_survey(
    *,
    template: SurveyTemplate,
    participant: Participant,
    key: str,
    pair: Pair | None = None,
    session_id: int | None = None,
    now: datetime | None = None,
) -> SurveyResponse:
    """Send ``template`` to ``participant`` once per natural ``key``; returns the response row.

    The response and its invitation e-mail row are written together; the e-mail goes out on commit
    (or with the next dispatcher run if the broker is down).
    """
    now = now or timezone.now()
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                organization=template.organization,
                template=template,
                participant=participant,
                pair=pair,
                session_id=session_id,
                key=key,
                sent_at=now,
                expires_at=now + timedelta(days=settings.SURVEY_LINK_MAX_AGE_DAYS),
            )
        ],
        ignore_conflicts=True,
    )
    # Declared with the survey e-mails' renderers, in a module that imports this one.
    from .notifications import SURVEY_INVITATION

    response = SurveyResponse.objects.get(key=key)
    plan(
        organization=template.organization,
        recipient=participant.user,
        kind=SURVEY_INVITATION,
        key=natural_key(SURVEY_INVITATION, "response", response.pk, recipient=participant.user),
        due_at=now,
        object_id=response.pk,
    )
    enqueue_delivery(template.organization_id)
    return response


def withdraw_survey_links(*, user: User, roles: Iterable[str] | None = None) -> int:
    """Make the person's unanswered survey links stop working: those of the current organisation sent to
    them as one of ``roles`` (mentor, mentee), or with ``roles=None`` every link of theirs everywhere.

    The link expires now: the unanswered survey stays in the response rates as unanswered.
    """
    now = timezone.now()
    if roles is None:
        with unscoped("an account's access ended in every organisation"):
            responses = SurveyResponse.objects.filter(participant__user=user)
            return responses.filter(answered_at=None, expires_at__gt=now).update(expires_at=now)
    responses = SurveyResponse.objects.filter(participant__user=user, participant__role__in=roles)
    return responses.filter(answered_at=None, expires_at__gt=now).update(expires_at=now)


class AlreadyAnswered(Exception):
    pass


def _checked(question: Question, skill: Skill | None, number: int | None, text: str | None) -> dict:
    """The stored shape of one answer, or a ``ValidationError`` for an answer its question cannot take."""
    invalid = ValidationError(_("An answer does not fit its question: %(question)s") % {"question": question})
    if question.type == Question.Type.TEXT:
        if number is not None or skill is not None:
            raise invalid
        return {"skill": None, "number": None, "text": text or "", "option": None}
    if question.type in Question.WITH_CHOICES:
        if text not in question.choices or skill is not None:
            raise invalid
        return {"skill": None, "number": None, "text": text, "option": question.choices.index(text) + 1}
    if number not in Question.NUMBERS[Question.Type(question.type)] or text:
        raise invalid
    if (question.type in Question.PER_SKILL) != (skill is not None):
        raise invalid
    return {"skill": skill, "number": number, "text": "", "option": None}


@transaction.atomic
def submit_answers(*, response: SurveyResponse, answers: Iterable[AnswerInput]) -> SurveyResponse:
    """Store the answers of ``response`` once, tied to the version of the questions answered.

    ``answers``: [(question, skill or None, number, text, shared)], ``shared`` being the respondent's
    consent to show a free-text answer anonymously to the programme's sponsors; it counts for a non-empty
    free-text answer only. A choice answer's text is one of the question's (French) choices; a multiple
    choice gives one answer per choice. Each answer must fit its question's type (a 1-5 scale takes 1 to 5,
    a skill level names a skill...). The response row is locked so two submissions of the same link never
    both count.
    """
    answers = [
        (question, skill, number, text, shared)
        for question, skill, number, text, shared in answers
        if number is not None or text
    ]
    locked = SurveyResponse.objects.select_for_update().select_related("template").get(pk=response.pk)
    if locked.answered_at is not None:
        raise AlreadyAnswered
    if locked.expires_at <= timezone.now():
        raise ValidationError(_("This survey link has expired."))
    versions = {question.version for question, *_rest in answers}
    if any(question.template_id != locked.template_id for question, *_rest in answers) or len(versions) > 1:
        raise ValidationError(_("These answers are not those of this survey."))
    Answer.objects.bulk_create(
        [
            Answer(
                organization=locked.organization,
                response=locked,
                question=question,
                shared_anonymously=bool(shared and text and question.type == Question.Type.TEXT),
                **_checked(question, skill, number, text),
            )
            for question, skill, number, text, shared in answers
        ]
    )
    locked.answered_at = timezone.now()
    locked.version = versions.pop() if versions else locked.template.version
    locked.save(update_fields=["answered_at", "version"])
    record_skill_levels(
        response=locked,
        levels=_levels(answers, Question.Type.SKILLS),
        mentee_levels=_levels(answers, Question.Type.MENTEE_SKILLS),
    )
    return locked


def _levels(answers: list[AnswerInput], type: str) -> dict[int, int]:
    return {
        skill.pk: number
        for question, skill, number, _text, _shared in answers
        if question.type == type and skill is not None and number is not None
    }


def record_skill_levels(
    *, response: SurveyResponse, levels: Mapping[int, int], mentee_levels: Mapping[int, int] | None = None
) -> None:
    """Keep ``SkillProgress`` in step with an answered survey: {skill id: level}.

    ``levels`` are the respondent's own (baseline, mid-programme and final surveys); each replaces the
    level the person gave earlier at the same moment and leaves the other moments as they were.
    ``mentee_levels`` are a mentor's rating of the mentee of the response's pair, kept on the mentee's
    rows: from the first sessions (a baseline or pulse survey, the first rating kept), mid-programme or
    at the end (the latest kept). The skills are the reverse phase's: a skills question HR adds to a
    cross-phase survey does not move them.
    """
    if response.template.phase != Phase.REVERSE:
        return
    moment = response.template.moment
    column = SkillProgress.column(moment)
    if column and levels:
        _write_levels(response, response.participant_id, response.template.audience, column, levels)
    mentee_id = response.pair.mentee_id if response.pair_id and response.pair else None
    column = SkillProgress.column(moment, SkillProgress.Rater.MENTOR)
    if not (mentee_levels and mentee_id and column):
        return
    if moment == SurveyTemplate.Moment.PULSE:
        rated = set(
            SkillProgress.objects.filter(
                participant_id=mentee_id, skill_id__in=list(mentee_levels), mentor_baseline__isnull=False
            ).values_list("skill_id", flat=True)
        )
        mentee_levels = {skill: level for skill, level in mentee_levels.items() if skill not in rated}
    if mentee_levels:
        _write_levels(response, mentee_id, SurveyTemplate.Audience.MENTEE, column, mentee_levels)


def _write_levels(
    response: SurveyResponse, participant_id: int, audience: str, column: str, levels: Mapping[int, int]
) -> None:
    SkillProgress.objects.bulk_create(
        [
            SkillProgress(
                organization_id=response.organization_id,
                participant_id=participant_id,
                skill_id=skill_id,
                audience=audience,
                **{column: level, f"{column}_at": response.answered_at},
            )
            for skill_id, level in levels.items()
        ],
        update_conflicts=True,
        unique_fields=["participant", "skill"],
        update_fields=["audience", column, f"{column}_at"],
    )


@transaction.atomic
def rebuild_skill_progress() -> None:
    """Recompute the current organisation's ``SkillProgress`` from its answers, in one read and one write.

    For answers written without ``submit_answers`` (the demo's survey history, the bench), or to repair
    the read model. Later answers at the same moment win, as they do when answered one by one, except a
    mentor's rating from the pulse surveys, where the first one is the starting point.
    """
    progress: dict[tuple[int, int], SkillProgress] = {}
    answers = (
        Answer.objects.filter(
            Q(
                question__type=Question.Type.SKILLS,
                question__template__moment__in=SkillProgress.MOMENTS,
            )
            | Q(question__type=Question.Type.MENTEE_SKILLS, response__pair__isnull=False),
            question__template__phase=Phase.REVERSE,
            skill__isnull=False,
            number__isnull=False,
            response__answered_at__isnull=False,
        )
        .order_by("response__answered_at", "pk")
        .values_list(
            "organization_id",
            "response__participant_id",
            "response__pair__mentee_id",
            "skill_id",
            "question__type",
            "question__template__audience",
            "question__template__moment",
            "number",
            "response__answered_at",
        )
    )
    for (
        organization_id,
        participant_id,
        mentee_id,
        skill_id,
        type,
        audience,
        moment,
        level,
        answered_at,
    ) in answers.iterator(chunk_size=5000):
        if type == Question.Type.MENTEE_SKILLS:
            participant_id, audience = mentee_id, SurveyTemplate.Audience.MENTEE
            column = SkillProgress.column(moment, SkillProgress.Rater.MENTOR)
        else:
            column = SkillProgress.column(moment)
        if column is None:
            continue
        row = progress.get((participant_id, skill_id))
        if row is None:
            row = progress[participant_id, skill_id] = SkillProgress(
                organization_id=organization_id, participant_id=participant_id, skill_id=skill_id
            )
        if column == "mentor_baseline" and moment == SurveyTemplate.Moment.PULSE and row.mentor_baseline:
            continue
        row.audience = audience
        setattr(row, column, level)
        setattr(row, f"{column}_at", answered_at)
    SkillProgress.objects.all().delete()
    SkillProgress.objects.bulk_create(progress.values(), batch_size=2000)


# --- The survey builder ---------------------------------------------------------------------------------
#
# Every change goes through ``_writable``: while nobody has answered the current version it is changed in
# place; once someone has, the change is made to a copy, the next version, and the answered one stays as it
# was asked. A question keeps its identity from one version to the next unless its wording or type changes.


@dataclass
class Change:
    """What a builder operation did: the template (as it is now), the question it changed (``None`` once
    deleted), and whether it started a new version."""

    template: SurveyTemplate
    question: Question | None
    new_version: bool


def _audited(
    action: Action,
    change: Change,
    *,
    by: User | None,
    request: HttpRequest | None,
    question: Question | None = None,
    **details: object,
) -> Change:
    """Record a builder change in the organisation's trail (one insert), and the new version it started
    (one more). The details name the survey, its version and the question: HR's wording, no answer."""
    template = change.template
    question = question or change.question
    described: dict[str, object] = {"version": template.version, **details}
    if question is not None:
        described["question"] = str(question)[:200]
    audit.record(
        action,
        organization=template.organization,
        actor=by,
        target=template,
        details=described,
        request=request,
    )
    if change.new_version:
        audit.record(
            Action.SURVEY_VERSION_PUBLISHED,
            organization=template.organization,
            actor=by,
            target=template,
            details={"version": template.version, "previous": template.version - 1},
            request=request,
        )
    return change


def version_is_answered(template: SurveyTemplate) -> bool:
    """Whether someone answered the template's current version (answers written without
    ``submit_answers``, as the demo's, count through their questions)."""
    return (
        SurveyResponse.objects.filter(
            template=template, version=template.version, answered_at__isnull=False
        ).exists()
        or Answer.objects.filter(question__template=template, question__version=template.version).exists()
    )


def _writable(template: SurveyTemplate) -> tuple[SurveyTemplate, bool]:
    """The template locked for a change, on a version nobody has answered: the next one if the current one
    has answers (its questions copied with their identities). Returns (template, whether it is new)."""
    locked = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    if not version_is_answered(locked):
        return locked, False
    questions = list(locked.current_questions)
    locked.version += 1
    locked.save(update_fields=["version"])
    SurveyVersion.objects.create(
        template=locked,
        number=locked.version,
        title=locked.title,
        title_en=locked.title_en,
        introduction=locked.introduction,
        introduction_en=locked.introduction_en,
    )
    for question in questions:
        question.pk = None
        question._state.adding = True
        question.version = locked.version
    Question.objects.bulk_create(questions)
    return locked, True


def _in_current_version(template: SurveyTemplate, question: Question) -> Question:
    """The same question in the template's current version (a page may show an earlier one), or refuse."""
    current = template.current_questions.filter(identity=question.identity).first()
    if current is None:
        raise ValidationError(_("This question is no longer in the survey."))
    return current


def _renumber(template: SurveyTemplate, ordered: list[Question]) -> None:
    for position, question in enumerate(ordered, start=1):
        question.position = position
    Question.objects.bulk_update(ordered, ["position"])


def _clean_text(value: str, label: StrOrPromise, *, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(_("%(field)s cannot be empty.") % {"field": label})
    if len(value) > max_length:
        raise ValidationError(
            _("%(field)s is longer than %(max)s characters.") % {"field": label, "max": max_length}
        )
    if has_control_characters(value):
        raise ValidationError(NoControlCharacters.message)
    return value


def _clean_question(
    *,
    text: str,
    text_en: str,
    type: str,
    choices: Iterable[str],
    choices_en: Iterable[str],
    audience: str = SurveyTemplate.Audience.MENTOR,
) -> dict:
    """The fields of a question as stored, or a ``ValidationError`` saying what to fix."""
    if type not in Question.Type.values:
        raise ValidationError(_("Choose a type of question."))
    if type == Question.Type.MENTEE_SKILLS and audience != SurveyTemplate.Audience.MENTOR:
        raise ValidationError(_("Only a survey sent to mentors can ask them to rate their mentee."))
    fields = {
        "text": _clean_text(text, _("The question in French"), required=True, max_length=300),
        "text_en": _clean_text(text_en, _("The question in English"), required=False, max_length=300),
        "type": type,
        "choices": [],
        "choices_en": [],
    }
    if type not in Question.WITH_CHOICES:
        return fields
    options = [
        _clean_text(option, _("An option"), required=False, max_length=200) for option in choices or []
    ]
    options = [option for option in options if option]
    options_en = [
        _clean_text(option, _("An option"), required=False, max_length=200) for option in choices_en or []
    ]
    options_en = [option for option in options_en if option]
    if len(options) < 2:
        raise ValidationError(_("A choice question needs at least two choices, one a line."))
    if len(set(options)) < len(options) or len(set(options_en)) < len(options_en):
        raise ValidationError(_("Each choice must be different from the others."))
    if options_en and len(options_en) != len(options):
        raise ValidationError(
            _("Give as many choices in English as in French, in the same order, or none in English.")
        )
    fields["choices"], fields["choices_en"] = options, options_en
    return fields


@transaction.atomic
def update_template(
    *,
    template: SurveyTemplate,
    title: str,
    title_en: str = "",
    introduction: str = "",
    introduction_en: str = "",
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Change:
    """Change the survey's title and introduction, in French and English (a new version once answered)."""
    fields = {
        "title": _clean_text(title, _("The title in French"), required=True, max_length=200),
        "title_en": _clean_text(title_en, _("The title in English"), required=False, max_length=200),
        "introduction": (introduction or "").strip(),
        "introduction_en": (introduction_en or "").strip(),
    }
    if all(getattr(template, name) == value for name, value in fields.items()):
        return Change(template=template, question=None, new_version=False)
    locked, new_version = _writable(template)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    SurveyVersion.objects.filter(template=locked, number=locked.version).update(**fields)
    change = Change(template=locked, question=None, new_version=new_version)
    return _audited(Action.SURVEY_CHANGED, change, by=by, request=request)


@transaction.atomic
def add_question(
    *,
    template: SurveyTemplate,
    text: str,
    type: str,
    choices: Iterable[str] | None = None,
    required: bool = True,
    text_en: str = "",
    choices_en: Iterable[str] | None = None,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Change:
    """Append a question to a template, in French and (optionally) English; a choice question needs at
    least two choices, and as many in English if any. Once the survey has answers, a new version."""
    fields = _clean_question(
        text=text,
        text_en=text_en,
        type=type,
        choices=choices or [],
        choices_en=choices_en or [],
        audience=template.audience,
    )
    locked, new_version = _writable(template)
    last = locked.current_questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = Question.objects.create(
        template=locked, version=locked.version, position=last + 1, required=required, **fields
    )
    change = Change(template=locked, question=question, new_version=new_version)
    return _audited(Action.SURVEY_QUESTION_ADDED, change, by=by, request=request, type=question.type)


@transaction.atomic
def update_question(
    *,
    question: Question,
    text: str,
    type: str,
    text_en: str = "",
    choices: Iterable[str] | None = None,
    choices_en: Iterable[str] | None = None,
    required: bool = True,
    by: User | None = None,
    request: HttpRequest | None = None,
) -> Change:
    """Change a question's wording, type or whether it needs an answer (a new version once answered).

    A new wording or type makes it a new question: its figures are no longer compared with the earlier
    versions' (``identity``). Whether it is required changes nothing a respondent reads.
    """
    fields = _clean_question(
        text=text,
        text_en=text_en,
        type=type,
        choices=choices or [],
        choices_en=choices_en or [],
        audience=question.template.audience,
    )
    wording = (fields["type"], fields["text"], fields["text_en"], fields["choices"], fields["choices_en"])
    if wording == question.wording() and required == question.required:
        return Change(template=question.template, question=question, new_version=False)
    locked, new_version = _writable(question.template)
    current = _in_current_version(locked, question)
    reworded = wording != current.wording()
    if reworded:
        current.identity = uuid.uuid4()
    for name, value in fields.items():
        setattr(current, name, value)
    current.required = required
    current.save()
    change = Change(template=locked, question=current, new_version=new_version)
    return _audited(
        Action.SURVEY_QUESTION_CHANGED, change, by=by, request=request, reworded=reworded, required=required
    )


@transaction.atomic
def move_question(
    *, question: Question, up: bool, by: User | None = None, request: HttpRequest | None = None
) -> Change:
    """Move a question one place up or down (a new version once answered); at either end, nothing."""
    ordered = list(question.template.current_questions.order_by("position", "pk"))
    index = next((i for i, q in enumerate(ordered) if q.identity == question.identity), -1)
    target = index + (-1 if up else 1)
    if index < 0 or not 0 <= target < len(ordered):
        return Change(template=question.template, question=question, new_version=False)
    locked, new_version = _writable(question.template)
    ordered = list(locked.current_questions.order_by("position", "pk"))
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(locked, ordered)
    change = Change(template=locked, question=ordered[target], new_version=new_version)
    return _audited(
        Action.SURVEY_QUESTION_MOVED,
        change,
        by=by,
        request=request,
        direction="up" if up else "down",
        position=target + 1,
    )


@transaction.atomic
def delete_question(
    *, question: Question, by: User | None = None, request: HttpRequest | None = None
) -> Change:
    """Remove a question from the survey (from a new version once answered: the answers stay with theirs)."""
    locked, new_version = _writable(question.template)
    deleted = _in_current_version(locked, question)
    deleted.delete()
    _renumber(locked, list(locked.current_questions.order_by("position", "pk")))
    change = Change(template=locked, question=None, new_version=new_version)
    return _audited(Action.SURVEY_QUESTION_DELETED, change, by=by, request=request, question=deleted)


@transaction.atomic
def duplicate_question(
    *, question: Question, by: User | None = None, request: HttpRequest | None = None
) -> Change:
    """Insert a copy of a question right after it, as a new question of its own (its own identity)."""
    locked, new_version = _writable(question.template)
    original = _in_current_version(locked, question)
    ordered = list(locked.current_questions.order_by("position", "pk"))
    copy = Question.objects.create(
        template=locked,
        version=locked.version,
        position=original.position,
        text=original.text,
        text_en=original.text_en,
        type=original.type,
        choices=original.choices,
        choices_en=original.choices_en,
        required=original.required,
    )
    index = next(i for i, q in enumerate(ordered) if q.pk == original.pk)
    ordered.insert(index + 1, copy)
    _renumber(locked, ordered)
    change = Change(template=locked, question=copy, new_version=new_version)
    return _audited(Action.SURVEY_QUESTION_DUPLICATED, change, by=by, request=request, position=copy.position)
