"""Impact figures read from the goals and surveys of other apps.

The usefulness pairs give their logged sessions is computed with the session figures
(``selectors.sessions_overview``), whose scan already reads it. Each group of figures here is its own
function.
Like every other figure, each is an aggregate guarded by the organisation's minimum group size. The
one exception to "aggregates only" is the free-text answers their authors agreed to share anonymously
(``shared_comments``): their text and month, never who wrote them, under the same minimum.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import MD5, Cast, Concat, TruncMonth
from django.db.models.lookups import Exact
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import pick
from programmes.models import OUTCOMES, MentorOutcome, Participant
from programmes.outcomes import OUTCOME_LABELS
from sessions.models import Challenge, Goal, GoalProgress, Session
from surveys.models import Answer, Question, SkillProgress, SurveyResponse, SurveyTemplate

from .privacy import guarded, share
from .selectors import _pair_conditions, scoped_participants

PROGRESS_MOMENTS = (SurveyTemplate.Moment.MIDPOINT, SurveyTemplate.Moment.FINAL)
GOAL_BUCKETS = ((0, 25), (25, 50), (50, 75), (75, 101))
# What a respondent reads of a question (``Question.wording``): answers compare only across questions
# identical in all of it. The builder gives a reworded question a new identity, never the same wording
# two identities within a survey but for a duplicate, so grouping by it never mixes two questions.
WORDING = (
    "question__type",
    "question__text",
    "question__text_en",
    "question__choices",
    "question__choices_en",
)
# The dashboard quotes a stable sample of the shared comments, not all of them.
COMMENTS_LIMIT = 30


def figures(*, filters, minimum, practices=None):
    """Every impact group, keyed by name. ``practices``: ``practice_answers(filters)``, when read already."""
    groups = {"goals": goal_progress(filters=filters, minimum=minimum)}
    groups["skills"] = skills_gained(filters=filters, minimum=minimum)
    groups["practices"] = practices_adopted(filters=filters, minimum=minimum, answers=practices)
    groups["challenges"] = challenges_tried(filters=filters, minimum=minimum)
    groups["scales"], groups["nps"] = satisfaction(filters=filters, minimum=minimum)
    groups["response_rates"] = response_rates(filters=filters, minimum=minimum)
    groups["comments"] = shared_comments(filters=filters, minimum=minimum)
    groups["mentor_outcomes"] = mentor_outcomes(filters=filters, minimum=minimum)
    return groups


# --- Goals (sessions app) ------------------------------------------------------------------------------


def goal_progress(*, filters, minimum):
    """Each goal's latest progress up to the period's end, as a percentage: average and distribution.

    A level goal (1-5) counts as level × 20 %, as the goal pages show it. Goals without any progress
    recorded are counted apart as "not started".
    """
    # The goal's latest point up to the period's end, read through the (goal, recorded_on) index: a few
    # index entries per goal, whatever the organisation holds. A level is scaled, a percentage is not.
    latest_percent = (
        GoalProgress.objects.filter(goal=OuterRef("pk"), recorded_on__lte=filters.end)
        .order_by("-recorded_on", "-created_at")
        .annotate(
            percent=F("value")
            * Case(When(Exact(OuterRef("scale"), Goal.Scale.PERCENT), then=Value(1)), default=Value(20))
        )
        .values("percent")[:1]
    )
    goals = (
        Goal.objects.filter(_pair_conditions(filters, "pair__"), _in_phase(filters, ""))
        .annotate(
            percent=Subquery(latest_percent),
            mentor_id=F("pair__mentor_id"),
            mentee_id=F("pair__mentee_id"),
        )
        .values("pk", "percent", "mentor_id", "mentee_id")
        # A no-op (each row holds its goal's id) that keeps PostgreSQL from flattening the rows into the
        # aggregate below, which would copy the lookup into each of its seven figures: once per goal,
        # not seven times, and a plan cheap enough to run without JIT compilation (5 s of 7.8 s measured).
        .distinct()
    )
    row = goals.aggregate(
        goals=Count("pk"),
        not_started=Count("pk", filter=Q(percent__isnull=True)),
        average=Avg("percent"),
        people=Count("mentor_id", distinct=True) + Count("mentee_id", distinct=True),
        **{
            f"from_{low}": Count("pk", filter=Q(percent__gte=low, percent__lt=high))
            for low, high in GOAL_BUCKETS
        },
    )
    people = row.pop("people")
    if row["average"] is not None:
        row["average"] = round(row["average"])
    return {
        "people": people,
        "hidden": people < minimum,
        "figures": {name: guarded(value, people=people, minimum=minimum) for name, value in row.items()},
        "buckets": [
            (f"{low}–{min(high, 100)} %", None if people < minimum else row[f"from_{low}"])
            for low, high in GOAL_BUCKETS
        ],
    }


# --- Surveys app ---------------------------------------------------------------------------------------


def _in_phase(filters, prefix):
    """The rows of the phase chosen (``prefix`` reaches the row's ``phase``: a survey's is its template's)."""
    return Q(**{f"{prefix}phase": filters.phase}) if filters.phase else Q()


def _in_scope(filters, path):
    """Narrow to the participants the filters select; with no filter the tenant scope is enough."""
    if not (filters.programme_id or filters.round_id or filters.department):
        return Q()
    return Q(**{f"{path}__in": scoped_participants(filters).values("pk")})


def _answers(filters):
    """Answers of answered surveys of the participants in scope, over the period, skills aside.

    Only a skills self-assessment names a skill, and those are read from ``SkillProgress``. Leaving
    them out on the answer row itself drops two thirds of the rows before any join.
    """
    return Answer.objects.filter(
        _in_scope(filters, "response__participant"),
        _in_phase(filters, "response__template__"),
        skill__isnull=True,
        response__answered_at__gte=filters.start_at,
        response__answered_at__lt=filters.end_at,
    )


def skills_gained(*, filters, minimum):
    """Per skill, for mentees and for mentors: the average self-assessment (1-5) at baseline and latest.

    Over the people with both a baseline and a later level (final, else mid-programme) given before the
    period's end. Reads the surveys' per-person ``SkillProgress``: one row per person and skill.
    """
    end = filters.end_at
    rows = (
        SkillProgress.objects.filter(_in_scope(filters, "participant"), baseline_at__lt=end)
        .annotate(
            latest=Case(
                When(final_at__lt=end, then=F("final")),
                When(midpoint_at__lt=end, then=F("midpoint")),
                output_field=IntegerField(),
            )
        )
        .filter(latest__isnull=False)
        .values("audience", "skill__name", "skill__name_en")
        .annotate(people=Count("pk"), baseline_level=Avg("baseline"), latest_level=Avg("latest"))
        .order_by("audience", "skill__name")
    )
    results = {"mentee": [], "mentor": []}
    for row in rows:
        hidden = row["people"] < minimum
        baseline, latest = float(row["baseline_level"]), float(row["latest_level"])
        results.setdefault(row["audience"], []).append(
            {
                "skill": pick(row["skill__name"], row["skill__name_en"]),
                "people": row["people"],
                "hidden": hidden,
                "baseline": None if hidden else round(baseline, 1),
                "latest": None if hidden else round(latest, 1),
                "gain": None if hidden else round(latest - baseline, 1),
            }
        )
    return results


class _EnglishOption(Func):
    """The English twin of a choice answer's option, ``question.choices_en[option - 1]`` (NULL without one):
    answers store the French option, and an English reader reads its twin."""

    output_field = CharField()

    def __init__(self):
        super().__init__(F("question__choices_en"), F("option") - 1)

    def as_sql(self, compiler, connection, **extra_context):
        (choices, choices_params), (index, index_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"JSON_EXTRACT({choices}, '$[' || ({index}) || ']')", [*choices_params, *index_params]

    def as_postgresql(self, compiler, connection, **extra_context):
        (choices, choices_params), (index, index_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"({choices} ->> ({index})::integer)", [*choices_params, *index_params]


@dataclass(frozen=True)
class PracticeAnswers:
    """The practices answers in the filters' scope, per programme and wording (``WORDING``): the rows both
    practices figures are made of, the dashboard's and each programme's beside its skills.

    ``respondents``: ``{(programme id, wording): people}``; ``choices``: ``{(programme id, wording):
    [{"text", "people", "english"}, ...]}``, most chosen first. A participant belongs to one programme, so
    the distinct people of the whole scope are the sums of the programmes' own.
    """

    respondents: dict
    choices: dict
    wordings: dict


def _wording_key(row):
    return tuple(tuple(row[name]) if isinstance(row[name], list) else row[name] for name in WORDING)


def practice_answers(filters):
    """The choice questions of the progress surveys, answered in the filters' scope: two aggregates."""
    answers = _answers(filters).filter(
        question__type__in=Question.WITH_CHOICES, question__template__moment__in=PROGRESS_MOMENTS
    )
    programme = "response__participant__programme"
    respondents, wordings, choices = {}, {}, {}
    for row in (
        answers.values(programme, *WORDING)
        .annotate(people=Count("response__participant", distinct=True))
        .order_by()
    ):
        key = _wording_key(row)
        respondents[(row[programme], key)] = row["people"]
        wordings[key] = row
    for row in (
        answers.exclude(text="")
        .values(programme, *WORDING, "text")
        .annotate(people=Count("response__participant", distinct=True), english=Max(_EnglishOption()))
        .order_by(programme, "-people", "text")
    ):
        choices.setdefault((row[programme], _wording_key(row)), []).append(row)
    return PracticeAnswers(respondents=respondents, choices=choices, wordings=wordings)


def most_answered(respondents):
    """The wording most people answered in ``{wording: people}`` (ties: by text, then type), or None."""
    if not respondents:
        return None
    return min(respondents, key=lambda key: (-respondents[key], key[1], key[0]))


def practices_adopted(*, filters, minimum, answers=None):
    """The new practices people say they adopted (the choice questions of the progress surveys, single or
    multiple), counted by their French option and labelled in the reader's language.

    Figures compare only identical questions: the answers counted are those of one wording (text, type
    and options, in both languages: the same question in every version and survey that asked it so), the
    one most people answered; a question reworded in a new version is another question, left out.
    ``answers``: ``practice_answers(filters)``, when the caller has read them already.
    """
    answers = practice_answers(filters) if answers is None else answers
    people_by_wording = {}
    for (_programme_id, key), people in answers.respondents.items():
        people_by_wording[key] = people_by_wording.get(key, 0) + people
    key = most_answered(people_by_wording)
    wording = answers.wordings.get(key)
    respondents = people_by_wording.get(key, 0)
    question = pick(wording["question__text"], wording["question__text_en"]) if wording else None
    totals, english = {}, {}
    for (_programme_id, chosen), rows in answers.choices.items():
        if chosen != key:
            continue
        for row in rows:
            totals[row["text"]] = totals.get(row["text"], 0) + row["people"]
            english[row["text"]] = english.get(row["text"]) or row["english"]
    if respondents < minimum:
        return {"respondents": respondents, "hidden": True, "choices": [], "question": question}
    return {
        "respondents": respondents,
        "hidden": False,
        "question": question,
        "choices": [
            {
                "label": pick(text, english[text]),
                "people": people,
                "share": share(people, respondents),
            }
            for text, people in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def challenges_tried(*, filters, minimum):
    """The "try it" challenges mentees committed to over the period (by their date), and how many they say
    they did: counts only, hidden together when fewer than ``minimum`` mentees committed to one."""
    challenges = Challenge.objects.filter(
        _pair_conditions(filters, "pair__"),
        due_date__gte=filters.start,
        due_date__lte=filters.end,
    )
    row = challenges.aggregate(
        people=Count("owner", distinct=True),
        committed=Count("pk"),
        done=Count("pk", filter=Q(status=Challenge.Status.DONE)),
        not_done=Count("pk", filter=Q(status=Challenge.Status.NOT_DONE)),
        pending=Count("pk", filter=Q(status=Challenge.Status.PENDING)),
    )
    people = row.pop("people")
    answered = row["done"] + row["not_done"]
    figures = {name: guarded(value, people=people, minimum=minimum) for name, value in row.items()}
    figures["done_share"] = guarded(share(row["done"], answered), people=people, minimum=minimum)
    return {"people": people, "hidden": people < minimum, "figures": figures}


def satisfaction(*, filters, minimum):
    """The 1-5 questions (satisfaction, usefulness, leadership...) and the net promoter score: one query.

    Each 1-5 question gets its average and how many answered. The net promoter score comes from the 0-10
    "would you recommend" answers: % of 9-10 minus % of 0-6. A question is its wording and type: the same
    question in every version (and survey) that asked it so; a reworded one is counted apart.
    """
    rows = (
        _answers(filters)
        .filter(question__type__in=[Question.Type.SCALE, Question.Type.RECOMMEND], number__isnull=False)
        .values("question__type", "question__text", "question__text_en")
        .annotate(
            average=Avg("number"),
            people=Count("response__participant", distinct=True),
            answers=Count("pk"),
            promoters=Count("pk", filter=Q(number__gte=9)),
            detractors=Count("pk", filter=Q(number__lte=6)),
        )
        .order_by("question__text")
    )
    scales, recommend = [], None
    for row in rows:
        if row["question__type"] == Question.Type.RECOMMEND:
            # One score over one wording of the question (the most answered): "recommend the programme"
            # and "recommend your mentor" are two questions, never added together.
            if recommend is None or row["answers"] > recommend["answers"]:
                recommend = row
            continue
        hidden = row["people"] < minimum
        scales.append(
            {
                "question": pick(row["question__text"], row["question__text_en"]),
                "people": row["people"],
                "hidden": hidden,
                "average": None if hidden else round(float(row["average"]), 1),
            }
        )
    return scales, _net_promoter(recommend, minimum)


def _net_promoter(row, minimum):
    row = row or {"answers": 0, "promoters": 0, "detractors": 0, "people": 0}
    people, answers = row["people"], row["answers"]
    score = None
    if answers:
        score = round(share(row["promoters"], answers) - share(row["detractors"], answers))
    return {
        "question": pick(row["question__text"], row["question__text_en"]) if answers else None,
        "score": guarded(score, people=people, minimum=minimum),
        "promoters": guarded(share(row["promoters"], answers), people=people, minimum=minimum),
        "detractors": guarded(share(row["detractors"], answers), people=people, minimum=minimum),
        "answers": guarded(answers, people=people, minimum=minimum),
    }


def response_rates(*, filters, minimum):
    """Surveys sent over the period and the share answered, per moment (baseline, pulse...)."""
    rows = (
        SurveyResponse.objects.filter(
            _in_scope(filters, "participant"),
            _in_phase(filters, "template__"),
            sent_at__gte=filters.start_at,
            sent_at__lt=filters.end_at,
        )
        .values("template__moment")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            people=Count("participant", distinct=True),
        )
        .order_by("template__moment")
    )
    labels = dict(SurveyTemplate.Moment.choices)
    return [
        {
            "moment": labels.get(row["template__moment"], row["template__moment"]),
            "people": row["people"],
            "hidden": row["people"] < minimum,
            "sent": None if row["people"] < minimum else row["sent"],
            "answered": None if row["people"] < minimum else row["answered"],
            "rate": None if row["people"] < minimum else share(row["answered"], row["sent"]),
        }
        for row in rows
    ]


def shared_comments(*, filters, minimum):
    """The free-text answers their authors agreed to share anonymously, in the filtered scope: one query.

    Only each comment's text and month leave the database, never its author, department or day. They
    come in the order of a salted hash of the answer: the same from one visit to the next, and unrelated
    to who answered or when. They are shown only when at least ``minimum`` people answered, over the
    period and in scope, a survey that asks for a comment (the crowd an author hides in). Below that, as
    when none was shared, the section says neither whether nor how many exist.
    """
    respondents = (
        SurveyResponse.objects.filter(
            _in_scope(filters, "participant"),
            _in_phase(filters, "template__"),
            answered_at__gte=filters.start_at,
            answered_at__lt=filters.end_at,
            template__questions__type=Question.Type.TEXT,
        )
        .order_by()
        .values("organization")
        .annotate(people=Count("participant", distinct=True))
        .values("people")
    )
    salt = salted_hmac("dashboards.shared_comments", "order").hexdigest()[:16]
    rows = list(
        _answers(filters)
        .filter(shared_anonymously=True, question__type=Question.Type.TEXT)
        .annotate(
            month=TruncMonth("response__answered_at", output_field=DateField(), tzinfo=filters.tzinfo),
            respondents=Subquery(respondents, output_field=IntegerField()),
            shared=Window(Count("pk")),
            order=MD5(Concat(Value(salt), Cast("pk", CharField()))),
        )
        .order_by("order")
        .values("text", "month", "respondents", "shared")[:COMMENTS_LIMIT]
    )
    if not rows or rows[0]["respondents"] < minimum:
        return {"shown": False, "comments": [], "shared": None}
    return {
        "shown": True,
        "comments": [{"text": row["text"], "month": row["month"]} for row in rows],
        "shared": rows[0]["shared"],
    }


# --- HR operations ------------------------------------------------------------------------------------


def low_rating_condition(now, days=60):
    """A condition on pairs: a session rated 1 or 2 out of 5 in the last ``days`` days (log or pulse)."""
    since = now - datetime.timedelta(days=days)
    rated_low_in_a_log = Exists(
        Session.objects.filter(pair=OuterRef("pk"), usefulness__lte=2, starts_at__gte=since)
    )
    rated_low_in_a_pulse = Exists(
        Answer.objects.filter(
            response__pair=OuterRef("pk"),
            question__type=Question.Type.SCALE,
            question__template__moment=SurveyTemplate.Moment.PULSE,
            number__lte=2,
            response__answered_at__gte=since,
        )
    )
    return Q(rated_low_in_a_log) | Q(rated_low_in_a_pulse)


def pending_surveys(*, filters, now):
    """Surveys sent and not answered yet (still open), per programme and moment: for HR to follow up."""
    labels = dict(SurveyTemplate.Moment.choices)
    rows = (
        SurveyResponse.objects.filter(
            participant__in=scoped_participants(filters).values("pk"), answered_at=None, expires_at__gt=now
        )
        .values("template__programme__name", "template__moment")
        .annotate(pending=Count("pk"))
        .order_by("template__programme__name", "template__moment")
    )
    return [
        {
            "programme": row["template__programme__name"],
            "moment": labels.get(row["template__moment"], row["template__moment"]),
            "pending": row["pending"],
        }
        for row in rows
    ]


# --- Junior mentors' outcomes (programmes app) ------------------------------------------------------------


def mentor_outcomes(*, filters, minimum):
    """Per outcome, the share of mentors it happened to, against the organisation's baseline rate.

    Over the mentors whose outcome is known (HR may not know yet who is still there at 12 months). The
    baseline is each programme's, weighted by its mentors of known outcome, so that the comparison holds
    the same mix of programmes. Outcomes are not dated: the period filter does not apply to them. One query.
    """
    known = {name: Count("pk", filter=Q(**{f"{name}__isnull": False})) for name in OUTCOMES}
    happened = {f"{name}_yes": Count("pk", filter=Q(**{name: True})) for name in OUTCOMES}
    per_programme = list(
        MentorOutcome.objects.filter(
            _in_scope(filters, "participant"), participant__role=Participant.Role.MENTOR
        )
        .values("participant__programme")
        .annotate(
            **{f"{name}_known": count for name, count in known.items()},
            **happened,
            recognised=Count("pk", filter=~Q(recognition="")),
            people=Count("pk"),
            **{
                f"{name}_baseline": F(f"participant__programme__outcome_baseline__{name}")
                for name in OUTCOMES
            },
        )
        .order_by()
    )
    people = sum(row["people"] for row in per_programme)
    if not per_programme:
        return {}
    results = []
    for name in OUTCOMES:
        count = sum(row[f"{name}_known"] for row in per_programme)
        yes = sum(row[f"{name}_yes"] for row in per_programme)
        with_baseline = [row for row in per_programme if row[f"{name}_baseline"] is not None]
        weight = sum(row[f"{name}_known"] for row in with_baseline)
        baseline = (
            round(
                sum(float(row[f"{name}_baseline"]) * row[f"{name}_known"] for row in with_baseline) / weight,
                1,
            )
            if weight
            else None
        )
        hidden = count < minimum
        rate = None if hidden else share(yes, count)
        results.append(
            {
                "outcome": OUTCOME_LABELS[name],
                "known": count,
                "hidden": hidden,
                "rate": rate,
                "baseline": None if hidden else baseline,
                "difference": None
                if hidden or rate is None or baseline is None
                else round(rate - baseline, 1),
            }
        )
    recognised = sum(row["recognised"] for row in per_programme)
    return {
        "people": people,
        "outcomes": results,
        "recognised": guarded(share(recognised, people), people=people, minimum=minimum),
    }


# --- Export rows --------------------------------------------------------------------------------------


def rows(groups, *, hidden):
    """(section, figure, value) rows for the CSV and XLSX exports."""

    def value(figure):
        return hidden if figure.hidden else ("" if figure.value is None else figure.value)

    result = []
    if "goals" in groups:
        goals = groups["goals"]
        section = _("Goal progress")
        result += [
            (section, _("Goals"), value(goals["figures"]["goals"])),
            (section, _("Goals not started"), value(goals["figures"]["not_started"])),
            (section, _("Average progress (%)"), value(goals["figures"]["average"])),
        ]
        result += [(section, label, hidden if count is None else count) for label, count in goals["buckets"]]
    if "usefulness" in groups:
        result.append(
            (
                _("Sessions"),
                _("Average usefulness of logged sessions (1-5)"),
                value(groups["usefulness"]["average"]),
            )
        )
    for audience, label in (
        ("mentee", _("Skills gained by mentees")),
        ("mentor", _("Skills gained by mentors")),
    ):
        for entry in groups.get("skills", {}).get(audience, []):
            if entry["hidden"]:
                result.append((label, entry["skill"], hidden))
            else:
                result.append((label, f"{entry['skill']} · {_('baseline')}", entry["baseline"]))
                result.append((label, f"{entry['skill']} · {_('latest')}", entry["latest"]))
    if "practices" in groups:
        practices = groups["practices"]
        section = _("New practices adopted")
        if practices["hidden"]:
            result.append((section, _("Respondents"), hidden))
        else:
            result.append((section, _("Respondents"), practices["respondents"]))
            result += [(section, f"{entry['label']} (%)", entry["share"]) for entry in practices["choices"]]
    if "challenges" in groups:
        figures = groups["challenges"]["figures"]
        section = _("“Try it” challenges")
        result += [
            (section, _("Committed to"), value(figures["committed"])),
            (section, _("Done"), value(figures["done"])),
            (section, _("Not done"), value(figures["not_done"])),
            (section, _("Not answered yet"), value(figures["pending"])),
            (section, _("Done, of those answered (%)"), value(figures["done_share"])),
        ]
    for entry in groups.get("scales", []):
        result.append(
            (_("Satisfaction (1-5)"), entry["question"], hidden if entry["hidden"] else entry["average"])
        )
    if "nps" in groups:
        nps = groups["nps"]
        section = _("Recommendation")
        result += [
            (section, _("Net promoter score"), value(nps["score"])),
            (section, _("Promoters (%)"), value(nps["promoters"])),
            (section, _("Detractors (%)"), value(nps["detractors"])),
        ]
    if groups.get("mentor_outcomes"):
        section = _("Junior mentors' outcomes")
        for entry in groups["mentor_outcomes"]["outcomes"]:
            if entry["hidden"]:
                result.append((section, entry["outcome"], hidden))
            else:
                result.append((section, f"{entry['outcome']} · {_('mentors')} (%)", entry["rate"]))
                result.append(
                    (
                        section,
                        f"{entry['outcome']} · {_('baseline')} (%)",
                        "" if entry["baseline"] is None else entry["baseline"],
                    )
                )
        result.append((section, _("Mentors recognised (%)"), value(groups["mentor_outcomes"]["recognised"])))
    for entry in groups.get("response_rates", []):
        result.append(
            (
                _("Survey response rate (%)"),
                str(entry["moment"]),
                hidden if entry["hidden"] else entry["rate"],
            )
        )
    return result
