"""Skills before and after, seen from both sides: per programme and skill, the mentees' own change and
how their mentors see them, with the practices adopted beside.

``before_after`` is a pure read (four aggregates whatever the data size) returning dataclasses, for the
dashboard, its exports, the API and the board report alike; ``rows`` flattens it for the exports. Every
figure is computed over the mentees behind it and hidden, value and interval together, below the
organisation's minimum group size, whatever the filters narrowed the group to.

The statistics, over the ``n`` mentees with a self-rating at the start (baseline) and at the end (final,
else mid-programme), each given before the period's end, with d = end − start for each of them:
- mean change d̄, and its 95 % confidence interval d̄ ± t(0.975, n − 1) · s / √n, s the standard deviation
  of the d (paired Student t; no interval for a single mentee);
- share improved: the mentees with d > 0, of the n;
- gap at the start (at the end): the mean of the mentee's own rating minus their mentor's, over the mentees
  rated by both at that moment (the mentor rates at the first sessions, halfway and at the end); positive
  when mentees rate themselves higher than their mentors do;
- change seen by the mentor: the mean of the mentor's end rating minus their starting one.
"""

import math
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from scipy.stats import t as student

from mentoring.l10n import pick
from programmes.models import Phase
from sessions.models import Challenge
from surveys.models import SkillProgress, SurveyTemplate

from . import charts
from .impact import _in_scope, most_answered, practice_answers
from .privacy import Figure, guarded, share
from .selectors import _pair_conditions

CONFIDENCE = 0.95


@dataclass(frozen=True)
class SkillChange:
    """One skill of one programme. ``respondents`` and every self-rating figure are None when hidden."""

    skill: str
    respondents: int | None
    hidden: bool
    start: float | None = None
    end: float | None = None
    change: float | None = None
    low: float | None = None
    high: float | None = None
    improved: float | None = None
    gap_start: Figure = Figure(value=None, people=0, hidden=True)
    gap_end: Figure = Figure(value=None, people=0, hidden=True)
    mentor_change: Figure = Figure(value=None, people=0, hidden=True)


@dataclass(frozen=True)
class PracticeShare:
    label: str
    people: int
    share: float | None


@dataclass(frozen=True)
class Practices:
    """The "new practices" question of the progress surveys: who answered, and the share per choice."""

    respondents: int | None
    hidden: bool
    choices: list[PracticeShare] = field(default_factory=list)


@dataclass(frozen=True)
class Challenges:
    """The "try it" challenges mentees committed to over the period, and the share they did."""

    people: int | None
    hidden: bool
    committed: int | None = None
    done: int | None = None
    done_share: float | None = None


@dataclass(frozen=True)
class ProgrammeSkills:
    programme_id: int
    programme: str
    skills: list[SkillChange]
    practices: Practices
    challenges: Challenges

    def chart(self):
        """The mean change per skill with its interval, drawn by ``includes/skills_before_after.html``."""
        return charts.interval_chart(
            [(entry.skill, entry.change, entry.low, entry.high) for entry in self.skills]
        )


def interval(*, n, total, squares, confidence=CONFIDENCE):
    """(mean, low, high) of paired differences from their count, sum and sum of squares; the interval is
    Student's t for ``n - 1`` degrees of freedom, None for fewer than two differences."""
    if not n:
        return None, None, None
    mean = total / n
    if n < 2:
        return mean, None, None
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    margin = student.ppf((1 + confidence) / 2, n - 1) * math.sqrt(variance / n)
    return mean, mean - margin, mean + margin


def _rounded(value, digits=2):
    return None if value is None else round(value, digits)


def _level(column, end):
    return When(**{f"{column}_at__lt": end}, then=F(column))


def _skill_rows(filters):
    """Per programme and skill: the sums the statistics are made of, in one aggregate over the mentees'
    ``SkillProgress`` (one row per mentee and skill)."""
    end = filters.end_at
    levels = SkillProgress.objects.filter(
        _in_scope(filters, "participant"), audience=SurveyTemplate.Audience.MENTEE
    )
    if end > filters.now:
        # A period that runs to today: every level was given before its end, read as it is. Each
        # level is copied into a dozen sums below, and so would be its CASE: 88 → a few ms at scale.
        levels = levels.annotate(
            start=F("baseline"),
            finish=Coalesce("final", "midpoint"),
            mentor_start=F("mentor_baseline"),
            mentor_finish=Coalesce("mentor_final", "mentor_midpoint"),
        )
    else:
        levels = levels.annotate(
            start=Case(_level("baseline", end), output_field=IntegerField()),
            finish=Case(_level("final", end), _level("midpoint", end), output_field=IntegerField()),
            mentor_start=Case(_level("mentor_baseline", end), output_field=IntegerField()),
            mentor_finish=Case(
                _level("mentor_final", end), _level("mentor_midpoint", end), output_field=IntegerField()
            ),
        )
    levels = levels.annotate(
        change=F("finish") - F("start"),
        gap_at_start=F("start") - F("mentor_start"),
        gap_at_end=F("finish") - F("mentor_finish"),
        mentor_change=F("mentor_finish") - F("mentor_start"),
    )
    return (
        levels.values(
            "participant__programme",
            "participant__programme__name",
            "skill__name",
            "skill__name_en",
        )
        .annotate(
            people=Count("pk", filter=Q(change__isnull=False)),
            change_sum=Sum("change"),
            change_squares=Sum(F("change") * F("change")),
            improved=Count("pk", filter=Q(change__gt=0)),
            start_sum=Sum("start", filter=Q(change__isnull=False)),
            finish_sum=Sum("finish", filter=Q(change__isnull=False)),
            gap_start_people=Count("pk", filter=Q(gap_at_start__isnull=False)),
            gap_start_sum=Sum("gap_at_start"),
            gap_end_people=Count("pk", filter=Q(gap_at_end__isnull=False)),
            gap_end_sum=Sum("gap_at_end"),
            mentor_people=Count("pk", filter=Q(mentor_change__isnull=False)),
            mentor_change_sum=Sum("mentor_change"),
        )
        .order_by("participant__programme__name", "participant__programme", "skill__name")
    )


def _mean(total, people, minimum):
    return guarded(_rounded(total / people) if people else None, people=people, minimum=minimum)


def _skill_change(row, minimum):
    people = row["people"]
    hidden = people < minimum
    common = {
        "skill": pick(row["skill__name"], row["skill__name_en"]),
        "gap_start": _mean(row["gap_start_sum"], row["gap_start_people"], minimum),
        "gap_end": _mean(row["gap_end_sum"], row["gap_end_people"], minimum),
        "mentor_change": _mean(row["mentor_change_sum"], row["mentor_people"], minimum),
    }
    if hidden:
        return SkillChange(respondents=None, hidden=True, **common)
    mean, low, high = interval(n=people, total=row["change_sum"], squares=row["change_squares"])
    return SkillChange(
        respondents=people,
        hidden=False,
        start=_rounded(row["start_sum"] / people),
        end=_rounded(row["finish_sum"] / people),
        change=_rounded(mean),
        low=_rounded(low),
        high=_rounded(high),
        improved=share(row["improved"], people),
        **common,
    )


def _practices(filters, minimum, answers=None):
    """Per programme, the respondents to its "new practices" choice question and each choice's share.

    As on the dashboard's own practices figure, only identical questions are compared: each programme's
    figure counts the answers to one wording (``impact.WORDING``), the one most of its people answered,
    so that a question reworded in a new version, or another choice question, never mixes with it.
    ``answers``: ``impact.practice_answers(filters)`` (two aggregates), when the caller has read them.
    """
    answers = practice_answers(filters) if answers is None else answers
    by_programme = {}
    for (programme_id, key), people in answers.respondents.items():
        by_programme.setdefault(programme_id, {})[key] = people
    practices = {}
    for programme_id, respondents in by_programme.items():
        key = most_answered(respondents)
        people = respondents[key]
        if people < minimum:
            practices[programme_id] = Practices(respondents=None, hidden=True)
            continue
        practices[programme_id] = Practices(
            respondents=people,
            hidden=False,
            choices=[
                PracticeShare(
                    label=pick(row["text"], row["english"]),
                    people=row["people"],
                    share=share(row["people"], people),
                )
                for row in answers.choices.get((programme_id, key), [])
            ],
        )
    return practices


def _challenges(filters, minimum):
    """Per programme, the challenges due over the period: one aggregate."""
    rows = (
        Challenge.objects.filter(
            _pair_conditions(filters, "pair__"), due_date__gte=filters.start, due_date__lte=filters.end
        )
        .values("pair__programme")
        .annotate(
            people=Count("owner", distinct=True),
            committed=Count("pk"),
            done=Count("pk", filter=Q(status=Challenge.Status.DONE)),
            answered=Count("pk", filter=Q(status__in=[Challenge.Status.DONE, Challenge.Status.NOT_DONE])),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        if row["people"] < minimum:
            result[row["pair__programme"]] = Challenges(people=None, hidden=True)
            continue
        result[row["pair__programme"]] = Challenges(
            people=row["people"],
            hidden=False,
            committed=row["committed"],
            done=row["done"],
            done_share=share(row["done"], row["answered"]),
        )
    return result


NO_PRACTICES = Practices(respondents=None, hidden=True)
NO_CHALLENGES = Challenges(people=None, hidden=True)


def before_after(*, filters, minimum, practices=None) -> list[ProgrammeSkills]:
    """Per programme in the filters' scope (by name), its skills before and after, its practices
    adopted and its challenges: four queries."""
    per_programme: dict[int, tuple[str, list[SkillChange]]] = {}
    rows = list(_skill_rows(filters))
    # Skills are assessed in the reverse phase only (surveys.services.record_skill_levels): the cross phase
    # has no before/after of its own. The query still runs, so that the page's count stays the same.
    if filters.phase == Phase.CROSS:
        rows = []
    for row in rows:
        if not (row["people"] or row["gap_start_people"] or row["gap_end_people"] or row["mentor_people"]):
            continue
        name, entries = per_programme.setdefault(
            row["participant__programme"], (row["participant__programme__name"], [])
        )
        entries.append(_skill_change(row, minimum))
    # Always the four queries, skills or none: the dashboard's query count does not depend on the data.
    practices_shown = _practices(filters, minimum, practices)
    challenges = _challenges(filters, minimum)
    return [
        ProgrammeSkills(
            programme_id=programme_id,
            programme=name,
            skills=entries,
            practices=practices_shown.get(programme_id, NO_PRACTICES),
            challenges=challenges.get(programme_id, NO_CHALLENGES),
        )
        for programme_id, (name, entries) in per_programme.items()
    ]


def rows(programmes, *, hidden):
    """(section, figure, value) rows for the CSV and XLSX exports; a hidden figure says so."""

    def value(number):
        return "" if number is None else number

    def figure(shown):
        return hidden if shown.hidden else value(shown.value)

    result = []
    for programme in programmes:
        section = _("Skills before and after · %(programme)s") % {"programme": programme.programme}
        for entry in programme.skills:
            name = entry.skill
            if entry.hidden:
                result.append((section, f"{name} · {_('mentees with a rating before and after')}", hidden))
            else:
                result += [
                    (section, f"{name} · {_('mentees with a rating before and after')}", entry.respondents),
                    (section, f"{name} · {_('self-rating at the start (1-5)')}", value(entry.start)),
                    (section, f"{name} · {_('self-rating at the end (1-5)')}", value(entry.end)),
                    (section, f"{name} · {_('mean change')}", value(entry.change)),
                    (section, f"{name} · {_('95% confidence interval, low')}", value(entry.low)),
                    (section, f"{name} · {_('95% confidence interval, high')}", value(entry.high)),
                    (section, f"{name} · {_('mentees who improved (%)')}", value(entry.improved)),
                ]
            result += [
                (
                    section,
                    f"{name} · {_('self-rating minus mentor rating, at the start')}",
                    figure(entry.gap_start),
                ),
                (
                    section,
                    f"{name} · {_('self-rating minus mentor rating, at the end')}",
                    figure(entry.gap_end),
                ),
                (section, f"{name} · {_('change seen by the mentor')}", figure(entry.mentor_change)),
            ]
        practices = programme.practices
        label = _("New practices adopted · %(programme)s") % {"programme": programme.programme}
        if practices.hidden:
            result.append((label, _("Respondents"), hidden))
        else:
            result.append((label, _("Respondents"), practices.respondents))
            result += [(label, f"{choice.label} (%)", value(choice.share)) for choice in practices.choices]
        label = _("“Try it” challenges · %(programme)s") % {"programme": programme.programme}
        if programme.challenges.hidden:
            result.append((label, _("Committed to"), hidden))
        else:
            result.append((label, _("Committed to"), programme.challenges.committed))
            result.append((label, _("Done, of those answered (%)"), value(programme.challenges.done_share)))
    return result
